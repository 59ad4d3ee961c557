package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

func TestStream(t *testing.T) {
	now := fixedNow
	e := open(t, t.TempDir(), Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	create(t, e.s, counters)
	e.s.Put(ctx, "things", item("a", 1, "v", "1"), nil)           // INSERT
	e.s.Put(ctx, "things", item("a", 1, "v", "2"), nil)           // MODIFY
	e.s.Put(ctx, "things", item("a", 1, "v", "2"), nil)           // nothing
	e.s.Delete(ctx, "things", key("zz", 1), nil)                  // nothing
	e.s.Transact(ctx, []Op{{Table: "things", Key: key("a", 1)}})  // a check: nothing
	e.s.Transact(ctx, []Op{{Table: "things", Put: item("b", 2)}}) // INSERT
	e.s.Delete(ctx, "things", key("a", 1), nil)                   // REMOVE
	got, err := e.s.ReadStream(ctx, "things", 0, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	var events []string
	for _, r := range got.Records {
		events = append(events, r.Event)
	}
	if !slices.Equal(events, []string{EventInsert, EventModify, EventInsert, EventRemove}) {
		t.Fatalf("events %v", events)
	}
	r := got.Records[1]
	if string(r.Keys) != string(key("a", 1)) || string(r.Old) != string(item("a", 1, "v", "1")) || string(r.New) != string(item("a", 1, "v", "2")) ||
		!r.Created.Equal(fixedNow) || r.Size != len(r.Keys)+len(r.Old)+len(r.New) || r.Service {
		t.Errorf("MODIFY record %+v", r)
	}
	if tip, _ := e.s.StreamTip("things"); got.Next != got.Tip || got.Records[3].Seq != got.Next || tip != got.Tip {
		t.Errorf("next %d tip %d", got.Next, got.Tip)
	}
	// Positions: from after the second record.
	rest, _ := e.s.ReadStream(ctx, "things", got.Records[1].Seq, 1, 0)
	if len(rest.Records) != 1 || rest.Records[0].Seq != got.Records[2].Seq {
		t.Errorf("from a position: %+v", rest)
	}

	// A timestamp: JetStream's store times are real ones.
	if at, err := e.s.StreamAt(ctx, "things", time.Now().Add(-time.Hour)); err != nil || at != 0 {
		t.Errorf("an hour ago: %d %v", at, err)
	}
	if at, err := e.s.StreamAt(ctx, "things", time.Now().Add(time.Hour)); err != nil || at != got.Tip {
		t.Errorf("in an hour: %d %v", at, err)
	}

	// Views cut the images.
	for _, v := range []struct {
		view     string
		old, new bool
	}{{ViewKeysOnly, false, false}, {ViewNewImage, false, true}, {ViewOldImage, true, false}, {ViewNewAndOldImages, true, true}} {
		c := r.view(v.view)
		if (c.Old != nil) != v.old || (c.New != nil) != v.new || c.Keys == nil {
			t.Errorf("%s: %+v", v.view, c)
		}
	}

	// A reader at the tip waits for the next write.
	done := make(chan StreamRead, 1)
	go func() {
		r, _ := e.s.ReadStream(ctx, "things", got.Next, 10, 5*time.Second)
		done <- r
	}()
	time.Sleep(50 * time.Millisecond)
	e.s.Put(ctx, "things", item("c", 3), nil)
	select {
	case r := <-done:
		if len(r.Records) != 1 || r.Records[0].Event != EventInsert {
			t.Errorf("waited for %+v", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting reader did not wake")
	}
	// And gives up after wait.
	start := time.Now()
	r2, err := e.s.ReadStream(ctx, "things", got.Next+100, 10, 100*time.Millisecond)
	if err != nil || len(r2.Records) != 0 || time.Since(start) < 100*time.Millisecond {
		t.Errorf("%+v %v after %v", r2, err, time.Since(start))
	}
}

func TestStreamEnabledLater(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	c := counters
	c.StreamView = ""
	create(t, e.s, c)
	e.s.Put(ctx, "things", item("a", 1), nil)
	if _, err := e.s.ReadStream(ctx, "things", 0, 10, 0); err == nil {
		t.Error("read a table without a stream")
	}
	if _, err := e.s.UpdateTable(ctx, "things", TableUpdate{StreamView: ptr(ViewKeysOnly)}); err != nil {
		t.Fatal(err)
	}
	e.s.Put(ctx, "things", item("b", 1), nil)
	got, err := e.s.ReadStream(ctx, "things", 0, 10, 0)
	if err != nil || len(got.Records) != 1 || string(got.Records[0].Keys) != string(key("b", 1)) || got.Records[0].New != nil {
		t.Errorf("%+v %v", got, err)
	}
}

func TestTTL(t *testing.T) {
	var now atomicTime
	now.set(fixedNow)
	e := open(t, t.TempDir(), Options{Now: now.get, TTLInterval: 20 * time.Millisecond})
	ctx := context.Background()
	c := counters
	c.TTLAttribute = "exp"
	create(t, e.s, c)
	at := func(id string, exp string) []byte {
		return []byte(`{"id":{"S":"` + id + `"},"n":{"N":"1"},"exp":{"N":"` + exp + `"}}`)
	}
	secs := fixedNow.Unix()
	e.s.Put(ctx, "things", at("soon", itoa(secs+60)), nil)
	e.s.Put(ctx, "things", at("later", itoa(secs+3600)), nil)
	e.s.Put(ctx, "things", at("ancient", itoa(secs-6*365*86400)), nil) // over five years past: kept
	e.s.Put(ctx, "things", []byte(`{"id":{"S":"text"},"n":{"N":"1"},"exp":{"S":"1"}}`), nil)
	now.set(fixedNow.Add(2 * time.Minute))
	deadline := time.Now().Add(5 * time.Second)
	for {
		if it, _, _ := e.s.Get(ctx, "things", key("soon", 1)); it == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the expired item is still there")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, id := range []string{"later", "ancient", "text"} {
		if it, _, _ := e.s.Get(ctx, "things", key(id, 1)); it == nil {
			t.Errorf("%s removed", id)
		}
	}
	got, _ := e.s.ReadStream(ctx, "things", 0, 100, 0)
	last := got.Records[len(got.Records)-1]
	if last.Event != EventRemove || !last.Service || string(last.Keys) != string(key("soon", 1)) {
		t.Errorf("the removal's record %+v", last)
	}
	for _, r := range got.Records[:len(got.Records)-1] {
		if r.Service {
			t.Errorf("%+v is marked a service removal", r)
		}
	}
}

// TestCompact: entries older than the stream's retention go, but each
// item's last; the table rebuilds from what is left and the stream reads
// on from it.
func TestCompact(t *testing.T) {
	var now atomicTime
	now.set(time.Now())
	dir := t.TempDir()
	e := open(t, dir, Options{Now: now.get})
	ctx := context.Background()
	create(t, e.s, counters)
	for i := range 20 {
		e.s.Put(ctx, "things", item("a", 1, "v", itoa(int64(i))), nil)
		e.s.Put(ctx, "things", item("b", i), nil)
	}
	e.s.Delete(ctx, "things", key("b", 3), nil)
	tbl, _ := e.s.table("things")
	// Nothing is 24 hours old yet.
	if err := e.s.compact(ctx, tbl); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.s.ReadStream(ctx, "things", 0, 1000, 0); len(got.Records) != 41 {
		t.Fatalf("%d records before the retention passed", len(got.Records))
	}
	now.set(time.Now().Add(25 * time.Hour))
	if err := e.s.compact(ctx, tbl); err != nil {
		t.Fatal(err)
	}
	info, err := e.s.stream.Info(ctx, jetstream.WithSubjectFilter(tbl.filter()))
	if err != nil || info.State.Msgs != 21 { // a's last, b's 19 INSERTs and b3's REMOVE
		t.Fatalf("%d entries after compaction, %v", info.State.Msgs, err)
	}
	// The records are past the retention: the stream shows none of them.
	got, _ := e.s.ReadStream(ctx, "things", 0, 1000, 0)
	if len(got.Records) != 0 || got.Next != got.Tip {
		t.Errorf("%d records, next %d, tip %d", len(got.Records), got.Next, got.Tip)
	}
	e.close()
	e = open(t, dir, Options{})
	d, _ := e.s.Describe("things")
	if it, _, _ := e.s.Get(ctx, "things", key("a", 1)); string(it) != string(item("a", 1, "v", "19")) || d.Items != 20 {
		t.Errorf("after compaction and restart: %s, %d items", it, d.Items)
	}
	if _, err := e.s.Put(ctx, "things", item("b", 3), mustAbsent); err != nil {
		t.Error(err)
	}
}

func ptr[T any](v T) *T { return &v }
