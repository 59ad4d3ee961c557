package logs

import (
	"slices"
	"testing"
	"time"
)

// t0 is the fake "now" of the tests.
var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

const testGroup = "/aws/lambda/hello"

// waitLong bounds every wait for something that should happen at once: 10x
// generous for a loaded 2-core machine under -race.
const waitLong = 10 * time.Second

func openStore(t *testing.T, dir string, o Options) *Store {
	t.Helper()
	s, err := OpenOptions(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func ev(at time.Duration, stream, msg string) Event {
	return Event{Time: t0.Add(at), Stream: stream, Message: msg}
}

func messages(evs []Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Message
	}
	return out
}

func mustAppend(t *testing.T, g *Group, evs ...Event) {
	t.Helper()
	if err := g.Append(evs...); err != nil {
		t.Fatal(err)
	}
}

func mustQuery(t *testing.T, s *Store, group string, q Query) []string {
	t.Helper()
	evs, err := s.Query(group, q)
	if err != nil {
		t.Fatal(err)
	}
	return messages(evs)
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// recv waits for a value on ch.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLong):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// eventually polls cond until it holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
