package jsfn

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// roomy limits keep functional tests clear of the compute budget, which the
// race detector can slow the engine past.
var roomy = Limits{Compute: 2 * time.Second}

// fixedNow is the instant Date is frozen at in the tests.
var fixedNow = time.Date(2023, 1, 1, 12, 30, 45, 678e6, time.UTC)

func mustCompile(t testing.TB, src string, rt Runtime, lim Limits) *Program {
	t.Helper()
	p, err := Compile([]byte(src), rt, lim)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return p
}

func newTestPool(t testing.TB, src string, rt Runtime, lim Limits) *Pool {
	t.Helper()
	pool := NewPool(mustCompile(t, src, rt, lim), 2)
	t.Cleanup(pool.Close)
	return pool
}

// run runs src's handler once on event.
func run(t testing.TB, src string, rt Runtime, event string, opts RunOptions) (*Result, error) {
	t.Helper()
	pool := newTestPool(t, src, rt, roomy)
	if opts.Now.IsZero() {
		opts.Now = fixedNow
	}
	return pool.Run(context.Background(), []byte(event), opts)
}

// expr runs a handler returning the value of the JavaScript body (a
// function body) and returns the output JSON, or "!Kind: message" for an
// error.
func expr(t testing.TB, rt Runtime, body string) string {
	t.Helper()
	src := "function handler(event) {\n" + body + "\n}"
	res, err := run(t, src, rt, `{"request":{"uri":"/"}}`, RunOptions{})
	return outcome(res, err)
}

func outcome(res *Result, err error) string {
	if err != nil {
		var re *RunError
		if errors.As(err, &re) {
			return "!" + re.Kind.String() + ": " + re.Message
		}
		return "!error: " + err.Error()
	}
	return string(res.Output)
}

func kindOf(err error) (ErrKind, bool) {
	var re *RunError
	if errors.As(err, &re) {
		return re.Kind, true
	}
	return 0, false
}

// checkOutcome compares an outcome with want: an exact match, or for a
// want starting with "!" (an error), a prefix.
func checkOutcome(t *testing.T, name, got, want string) {
	t.Helper()
	if strings.HasPrefix(want, "!") {
		if !strings.HasPrefix(got, want) {
			t.Errorf("%s: got %s, want an error starting %s", name, got, want)
		}
		return
	}
	if got != want {
		t.Errorf("%s:\n got %s\nwant %s", name, got, want)
	}
}

// mapHost is a Host over a map.
type mapHost map[string]string

func (h mapHost) KVSGet(key string) ([]byte, bool) {
	v, ok := h[key]
	return []byte(v), ok
}

var _ Host = mapHost(nil)

// runOK runs once and fails the test on error.
func runOK(t testing.TB, pool *Pool, event string) *Result {
	t.Helper()
	res, err := pool.Run(context.Background(), []byte(event), RunOptions{Now: fixedNow})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}
