package dynamodb

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"sync"
	"time"
)

// tokenLife is how long a ClientRequestToken makes TransactWriteItems
// idempotent, counted from the end of the first request.
const tokenLife = 10 * time.Minute

// AWS's messages for a reused client request token. AWS documents the
// exceptions, not their messages: these are Verge's words.
const (
	msgTokenMismatch   = "The request uses the same client token as a previous, but non-identical request"
	msgTokenInProgress = "Transaction is in progress for the request with the same client token"
)

// tokens remember the client request tokens of the transactions of the
// last ten minutes on this node, so that a retried request is answered
// without writing again.
type tokens struct {
	mu sync.Mutex
	m  map[string]*tokenEntry
}

// A tokenEntry is a token's request and what a retry answers.
type tokenEntry struct {
	sum   [32]byte
	done  bool // false while the first request runs
	at    time.Time
	reads map[string]float64 // read units, by table, a retry reports
}

// begin claims token for the request whose fingerprint is sum. It
// returns the entry of a completed identical request to replay, or nil
// when the caller runs the request (and must call end).
func (ts *tokens) begin(token string, sum [32]byte, now time.Time) (*tokenEntry, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.m == nil {
		ts.m = map[string]*tokenEntry{}
	}
	for k, e := range ts.m {
		if e.done && now.Sub(e.at) >= tokenLife {
			delete(ts.m, k)
		}
	}
	e, ok := ts.m[token]
	switch {
	case !ok:
		ts.m[token] = &tokenEntry{sum: sum}
		return nil, nil
	case e.sum != sum:
		return nil, &Error{Code: CodeIdempotentParameterMismatch, Message: msgTokenMismatch}
	case !e.done:
		return nil, &Error{Code: CodeTransactionInProgress, Message: msgTokenInProgress}
	}
	return e, nil
}

// end records how the request holding token ended: a success is
// remembered, a failure forgotten (a retry runs it again).
func (ts *tokens) end(token string, ok bool, reads map[string]float64, now time.Time) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if !ok {
		delete(ts.m, token)
		return
	}
	ts.m[token] = &tokenEntry{sum: ts.m[token].sum, done: true, at: now, reads: reads}
}

// fingerprint identifies a request by its content, whatever the order of
// its members (the SDKs write maps in any order), leaving out the token.
func fingerprint(body []byte) [32]byte {
	var doc map[string]any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if d.Decode(&doc) != nil {
		return sha256.Sum256(body)
	}
	delete(doc, "ClientRequestToken")
	b, _ := json.Marshal(doc) // maps marshal with sorted keys
	return sha256.Sum256(b)
}
