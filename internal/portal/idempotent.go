package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"kabinet/internal/portaldb"
)

// once is a request done at most once per Idempotency-Key: its answer is
// recorded with the request's fingerprint in the transaction that does the
// work, and a retry with the key gets the recorded answer back.
type once struct {
	customer    int64
	key         string
	fingerprint []byte
	answer      portaldb.StoredResponse
	replayed    bool
}

func newOnce(r *http.Request, customer int64, key string, req any) *once {
	return &once{customer: customer, key: key, fingerprint: requestHash(r, req)}
}

// replay answers the request with the answer recorded for its key, and
// nothing is done again; a key used before for another request is refused.
func (o *once) replay(prev portaldb.StoredResponse) error {
	if !bytes.Equal(prev.RequestHash, o.fingerprint) {
		return keyReused()
	}
	o.answer, o.replayed = prev, true
	return nil
}

// record keeps the answer v with the key, in the work's transaction.
func (o *once) record(ctx context.Context, tx *portaldb.Tx, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	o.answer = portaldb.StoredResponse{RequestHash: o.fingerprint, Status: status, Body: body}
	return tx.SaveIdempotentResponse(ctx, o.customer, o.key, o.answer)
}

// write sends the answer, marked when it is a replay.
func (o *once) write(w http.ResponseWriter) {
	if o.replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeBody(w, o.answer.Status, o.answer.Body)
}
