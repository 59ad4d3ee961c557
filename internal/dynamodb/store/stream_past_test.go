package store

import (
	"context"
	"testing"
	"time"
)

// TestPastStreamRestart: a disabled stream is kept in the table's
// definition, so after a restart it still serves its records (and only
// those written while it was enabled), in its own view; a fixed label
// enabled again replaces it.
func TestPastStreamRestart(t *testing.T) {
	dir := t.TempDir()
	now := fixedNow
	clock := func() time.Time { return now }
	e := open(t, dir, Options{Now: clock})
	ctx := context.Background()
	create(t, e.s, counters)
	e.s.Put(ctx, "things", item("a", 1), nil)
	old, _ := e.s.Describe("things")
	if _, err := e.s.UpdateTable(ctx, "things", TableUpdate{StreamView: ptr("")}); err != nil {
		t.Fatal(err)
	}
	e.s.Put(ctx, "things", item("b", 1), nil)
	e.close()

	e = open(t, dir, Options{Now: clock})
	got, err := e.s.ReadStreamOf(ctx, "things", old.StreamLabel, StreamStart, 10, time.Hour)
	if err != nil || len(got.Records) != 1 || string(got.Records[0].Keys) != string(key("a", 1)) || got.Records[0].New == nil || got.Next != got.Tip {
		t.Fatalf("past stream after a restart: %+v %v", got, err)
	}
	if latest, err := e.s.ReadStream(ctx, "things", 0, 10, 0); err != nil || len(latest.Records) != 1 {
		t.Errorf("the latest stream, disabled: %+v %v", latest, err)
	}
	now = now.Add(streamRetention)
	if _, err := e.s.ReadStreamOf(ctx, "things", old.StreamLabel, StreamStart, 10, 0); err == nil {
		t.Error("read a stream disabled 24 hours ago")
	}

	c := counters
	c.Name, c.StreamLabel = "fixed", "stack-label"
	create(t, e.s, c)
	e.s.UpdateTable(ctx, "fixed", TableUpdate{StreamView: ptr("")})
	tb, err := e.s.UpdateTable(ctx, "fixed", TableUpdate{StreamView: ptr(ViewKeysOnly)})
	if err != nil || tb.StreamLabel != "stack-label" || len(tb.PastStreams) != 0 {
		t.Errorf("fixed label enabled again: %+v %v", tb, err)
	}
}
