package loadtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"kabinet/internal/domain"
)

// customer is a load customer as the app on their computer knows them.
type customer struct {
	// mu is held for a whole visit: one person, one app, one thing at a
	// time, and the next reading builds on the last one.
	mu      sync.Mutex
	index   int
	number  string
	path    string // of the account document
	meter   string
	bearer  string
	last    domain.Decimal
	etag    string // "" while the app holds no document
	cursor  string
	visits  int
	created int // submissions answered 201, replays not counted
}

// replayer drives the portal at base the way many apps do at once.
type replayer struct {
	base      string
	client    *http.Client
	mix       Mix
	run       string
	customers []*customer
	order     []int
	// budget is how many visits to start; 0 means until done is closed.
	budget  int64
	started atomic.Int64
	cursor  atomic.Int64
	done    chan struct{}
	// pace hands out one token per visit at the target rate; nil means
	// as fast as the workers go.
	pace chan struct{}
	// behind counts the visits the pace asked for that no worker was free
	// to start.
	behind atomic.Int64
}

// workerResult is what one worker saw.
type workerResult struct {
	rec    *recorder
	visits int
	// acks are the reading ids of the 201 answers.
	acks []string
	// replays counts retries sent with a used key, identical those
	// answered with the stored answer byte for byte.
	replays, identical int
}

func (p *replayer) stopped() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// take returns the next customer to visit, locked, or nil when the run is
// over. A customer still busy with an earlier visit (a small population
// wraps around quickly) is passed over.
func (p *replayer) take() *customer {
	if p.stopped() || p.budget > 0 && p.started.Add(1) > p.budget {
		return nil
	}
	for {
		c := p.customers[p.order[int(p.cursor.Add(1)-1)%len(p.order)]]
		if c.mu.TryLock() {
			return c
		}
	}
}

// work visits customers until the run is over.
func (p *replayer) work(seed uint64) *workerResult {
	res := &workerResult{rec: newRecorder()}
	r := rand.New(rand.NewPCG(seed, 0x6b6162))
	for {
		if p.pace != nil {
			select {
			case <-p.pace:
			case <-p.done:
				return res
			}
		}
		c := p.take()
		if c == nil {
			return res
		}
		p.visit(c, r, res)
		c.mu.Unlock()
	}
}

// visit is one customer opening the app in the window: the document is
// synced, then the reading is sent.
func (p *replayer) visit(c *customer, r *rand.Rand, res *workerResult) {
	res.visits++
	target := p.base + c.path
	if c.etag != "" {
		target += "?since=" + url.QueryEscape(c.cursor)
	}
	req, _ := http.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Authorization", c.bearer)
	req.Header.Set("Accept", "application/json")
	if c.etag != "" {
		req.Header.Set("If-None-Match", c.etag)
	}
	status, header, body, took, err := p.do(req)
	switch {
	case err != nil:
		res.rec.fail("document transport")
		return
	case status == http.StatusNotModified:
		res.rec.add(opDocument304, took)
	case status == http.StatusOK:
		res.rec.add(opDocument200, took)
		c.etag, c.cursor = header.Get("ETag"), cursorOf(body)
	default:
		res.rec.fail(failure("document", status, body))
		return
	}

	value, typed := p.mix.nextReading(c.last, c.created == 0, r)
	c.visits++
	key := idempotencyKey(p.run, c.index, c.visits)
	reading := fmt.Appendf(nil, `{"meter":%q,"values":{"t1":%q}}`, c.meter, typed)
	status, _, answer, took, err := p.submit(c, key, reading, res)
	if err != nil {
		return
	}
	if status != http.StatusCreated {
		res.rec.fail(failure("submission", status, answer))
		return
	}
	res.rec.add(opSubmission, took)
	res.acks = append(res.acks, readingID(answer))
	c.last = value
	c.created++
	// The app's document is now behind the account: its next sync gets a
	// 200 with what changed.
	if !p.mix.retry(r) {
		return
	}
	res.replays++
	status, header, again, took, err := p.submit(c, key, reading, res)
	switch {
	case err != nil:
	case status == http.StatusCreated && header.Get("Idempotent-Replayed") == "true" && bytes.Equal(again, answer):
		res.rec.add(opReplay, took)
		res.identical++
	default:
		res.rec.fail(failure("replay", status, again) + " (not the stored answer)")
	}
}

// submit posts a reading. A request that got no answer at all is sent
// again with the same key, as the app does: if the first one was stored,
// the answer is the stored one, so nothing is lost or stored twice. took
// covers every attempt.
func (p *replayer) submit(c *customer, key string, reading []byte, res *workerResult) (int, http.Header, []byte, time.Duration, error) {
	var took time.Duration
	var err error
	for range 3 {
		req, _ := http.NewRequest(http.MethodPost, p.base+c.path+"/readings", bytes.NewReader(reading))
		req.Header.Set("Authorization", c.bearer)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Idempotency-Key", key)
		var status int
		var header http.Header
		var body []byte
		var d time.Duration
		status, header, body, d, err = p.do(req)
		took += d
		if err == nil {
			return status, header, body, took, nil
		}
		res.rec.fail("submission transport")
	}
	return 0, nil, nil, took, err
}

// do sends req and reads the whole answer.
func (p *replayer) do(req *http.Request) (int, http.Header, []byte, time.Duration, error) {
	start := time.Now()
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, nil, nil, time.Since(start), err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header, body, time.Since(start), err
}

// cursorOf finds the document's cursor without decoding the rest: the
// client shares the machine's two cores with the server.
func cursorOf(doc []byte) string {
	const field = `"cursor":"`
	i := bytes.Index(doc, []byte(field))
	if i < 0 {
		return ""
	}
	rest := doc[i+len(field):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// readingID returns the id of the reading a 201 answer carries.
func readingID(answer []byte) string {
	var a struct {
		Reading struct {
			ID string `json:"id"`
		} `json:"reading"`
	}
	json.Unmarshal(answer, &a)
	return a.Reading.ID
}

// failure names a failed request for the report: the operation, the status
// and the problem code.
func failure(what string, status int, body []byte) string {
	var p struct {
		Code string `json:"code"`
	}
	json.Unmarshal(body, &p)
	s := what + " " + strconv.Itoa(status)
	if p.Code != "" {
		s += " " + p.Code
	}
	return s
}

// pacer hands out visits at rate per second until done is closed. Tokens
// the workers are too busy to take are dropped and counted: the server did
// not keep up with the target.
func pacer(rate float64, tokens chan<- struct{}, done <-chan struct{}, behind *atomic.Int64) {
	const tick = 5 * time.Millisecond
	t := time.NewTicker(tick)
	defer t.Stop()
	start, handed := time.Now(), int64(0)
	for {
		select {
		case <-done:
			return
		case now := <-t.C:
			for due := int64(now.Sub(start).Seconds() * rate); handed < due; handed++ {
				select {
				case tokens <- struct{}{}:
				default:
					behind.Add(1)
				}
			}
		}
	}
}

// logins runs real logins at rate per second, at most inFlight at once,
// until done is closed: people who lost their session or use a new
// computer. Each costs two argon2id hashes on the server.
func (p *replayer) logins(rate float64, inFlight int, seed uint64) (*recorder, int) {
	rec, skipped := newRecorder(), 0
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, inFlight)
	r := rand.New(rand.NewPCG(seed, 0x6c6f67))
	t := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer t.Stop()
	for {
		select {
		case <-p.done:
			wg.Wait()
			return rec, skipped
		case <-t.C:
		}
		select {
		case slots <- struct{}{}:
		default:
			skipped++
			continue
		}
		c := p.customers[r.IntN(len(p.customers))]
		wg.Go(func() {
			defer func() { <-slots }()
			body := fmt.Appendf(nil, `{"customer":%q,"password":%q}`, c.number, Password)
			req, _ := http.NewRequest(http.MethodPost, p.base+"/api/v1/session", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			status, _, answer, took, err := p.do(req)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				rec.fail("login transport")
			case status != http.StatusCreated:
				rec.fail(failure("login", status, answer))
			default:
				rec.add(opLogin, took)
			}
		})
	}
}
