package localpay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// outgoing is one notification to deliver (possibly several times, or
// followed by a stale copy, as the faults say).
type outgoing struct {
	body   []byte
	copies int    // ≥ 1; 0 means dropped
	stale  []byte // sent after body when not nil: an older snapshot
}

// notificationBody builds ЮKassa's notification around an object.
func notificationBody(event string, object []byte) []byte {
	b, _ := json.Marshal(struct {
		Type   string          `json:"type"`
		Event  string          `json:"event"`
		Object json.RawMessage `json:"object"`
	}{"notification", event, object})
	return b
}

// outgoing prepares the notification of event about object; before is the
// object as it was (for the out-of-order fault). p.mu is held.
func (p *Provider) outgoing(event string, object, before []byte) outgoing {
	o := outgoing{body: notificationBody(event, object), copies: 1}
	if take(&p.faults.drop) {
		o.copies = 0
		return o
	}
	if k := p.faults.duplicate; k > 1 {
		o.copies = k
	}
	if before != nil && take(&p.faults.outOfOrder) {
		// A late event about an older state: ЮKassa does not promise order.
		o.stale = notificationBody("payment.canceled", before)
	}
	return o
}

// send delivers notifications in the background, retrying each while the
// answer is not 200.
func (p *Provider) send(outs ...outgoing) {
	for _, o := range outs {
		if !p.startDelivery() {
			return
		}
		go p.deliver(o, false)
	}
}

// sendNow delivers the first attempt of each notification before it
// returns; retries, if needed, continue in the background.
func (p *Provider) sendNow(outs ...outgoing) {
	for _, o := range outs {
		if !p.startDelivery() {
			return
		}
		p.deliver(o, true)
	}
}

// startDelivery counts a delivery in, unless the provider is closed.
func (p *Provider) startDelivery() bool {
	if p.cfg.NotifyURL == "" {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.wg.Add(1)
	return true
}

// deliver posts o's copies then its stale snapshot. With firstNow, the
// first attempt of each body is made synchronously and the rest goes on in
// a goroutine; p.wg.Done is called when all is done.
func (p *Provider) deliver(o outgoing, firstNow bool) {
	bodies := make([][]byte, 0, o.copies+1)
	for range o.copies {
		bodies = append(bodies, o.body)
	}
	if o.copies > 0 && o.stale != nil {
		bodies = append(bodies, o.stale)
	}
	if !firstNow {
		defer p.wg.Done()
		for _, b := range bodies {
			p.post(b, p.cfg.NotifyAttempts)
		}
		return
	}
	var retry [][]byte
	for _, b := range bodies {
		if !p.post(b, 1) {
			retry = append(retry, b)
		}
	}
	go func() {
		defer p.wg.Done()
		for _, b := range retry {
			p.post(b, p.cfg.NotifyAttempts-1)
		}
	}()
}

// post sends body to NotifyURL up to attempts times; it reports whether
// the hook answered 200.
func (p *Provider) post(body []byte, attempts int) bool {
	delay := p.cfg.NotifyRetryDelay
	for i := 0; i < attempts; i++ {
		if i > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-p.ctx.Done():
				t.Stop()
				return false
			}
			delay *= 2
		}
		status, err := p.postOnce(body)
		if err == nil && status == http.StatusOK {
			return true
		}
		p.cfg.Logger.Info("localpay: notification not accepted", "attempt", i+1, "status", status, "err", err)
	}
	return false
}

func (p *Provider) postOnce(body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.NotifyURL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("localpay: notification: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
