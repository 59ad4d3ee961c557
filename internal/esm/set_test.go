package esm

import "testing"

// fakeRun is a Run that records its life; a Set's bookkeeping needs no
// real mapping to check.
type fakeRun struct {
	cfg       string
	prev      <-chan struct{}
	done      chan struct{}
	cancelled bool
}

func (r *fakeRun) Cancel()               { r.cancelled = true; close(r.done) }
func (r *fakeRun) Done() <-chan struct{} { return r.done }
func (r *fakeRun) State() string         { return r.cfg }

// TestSet: Apply starts new mappings, keeps unchanged ones, restarts a
// changed one after the run it replaces, stops removed ones, and refuses
// to start anything once closed.
func TestSet(t *testing.T) {
	var started []*fakeRun
	s := Set[string, string]{
		Same: func(a, b *string) bool { return *a == *b },
		Start: func(cfg string, prev <-chan struct{}) Run[string] {
			r := &fakeRun{cfg: cfg, prev: prev, done: make(chan struct{})}
			started = append(started, r)
			return r
		},
	}
	if err := s.Apply(map[string]string{"a": "1", "b": "1"}); err != nil || len(started) != 2 {
		t.Fatalf("first apply: %v, %d started", err, len(started))
	}
	a := s.Run("a").(*fakeRun)
	if err := s.Apply(map[string]string{"a": "2", "b": "1"}); err != nil {
		t.Fatal(err)
	}
	if len(started) != 3 || !a.cancelled || started[2].prev != a.done || s.Run("a") != started[2] {
		t.Errorf("a changed mapping: %d started, old cancelled %v, waits for the old: %v", len(started), a.cancelled, started[2].prev == a.done)
	}
	b := s.Run("b").(*fakeRun)
	if b.cancelled || b.prev != nil {
		t.Error("an unchanged mapping was restarted")
	}
	if err := s.Apply(map[string]string{"a": "2"}); err != nil || !b.cancelled || s.Run("b") != nil {
		t.Errorf("a removed mapping: %v, cancelled %v", err, b.cancelled)
	}
	if got := s.States(); len(got) != 1 || got["a"] != "2" {
		t.Errorf("States %v", got)
	}
	s.Close()
	if !started[2].cancelled || len(s.States()) != 0 {
		t.Error("Close left a run")
	}
	if err := s.Apply(map[string]string{"c": "1"}); err == nil || len(started) != 3 {
		t.Errorf("Apply after Close: %v, %d started", err, len(started))
	}
}
