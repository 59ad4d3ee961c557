package esm

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
)

const corpusWindowEvent = "../../../shared/corpora/aws_aws-lambda-go/events/testdata/kinesis-time-window-event.json"

// strict decodes a payload into aws-lambda-go's KinesisTimeWindowEvent,
// refusing unknown fields.
func strict(t *testing.T, payload []byte) events.KinesisTimeWindowEvent {
	t.Helper()
	var ev events.KinesisTimeWindowEvent
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		t.Fatalf("%v in\n%s", err, payload)
	}
	return ev
}

// keys are an object's keys, sorted.
func keys(t *testing.T, payload []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// counting is a window function: its state counts the records of the
// window and lists their data.
func counting(ctx context.Context, ev *event) (Result, error) {
	var st map[string]string
	if err := json.Unmarshal(ev.State, &st); err != nil {
		return Result{}, err
	}
	n, _ := strconv.Atoi(st["count"])
	n += len(ev.Records)
	data := st["data"]
	for _, d := range ev.data() {
		data += d + ","
	}
	out, _ := json.Marshal(map[string]any{"state": map[string]string{"count": strconv.Itoa(n), "data": data}})
	return Result{Payload: out}, nil
}

// waitWindow sleeps until a window of length d has at least room left.
func waitWindow(d, room time.Duration) {
	now := time.Now()
	_, end := windowOf(now, d)
	if end.Sub(now) < room {
		time.Sleep(end.Sub(now) + 10*time.Millisecond)
	}
}

// The window tests need their records to land in one window: each waits
// until the current one has room enough for a slow, loaded machine.

func TestTumblingWindow(t *testing.T) {
	const length = 6 * time.Second
	h := newHarness(t, newSource("shardId-000000000006"), counting)
	mp := h.mapping(func(mp *Mapping) { mp.TumblingWindow = length })
	h.apply(mp)
	waitWindow(length, 4500*time.Millisecond)
	start, end := windowOf(time.Now(), length)
	for i := range 3 {
		h.src.put("shardId-000000000006", "k", "w"+itoa(i))
		time.Sleep(20 * time.Millisecond)
	}
	calls := h.waitFor("the final invocation", func(calls []call, _ [][]byte) bool {
		return len(calls) > 0 && calls[len(calls)-1].ev.Final
	})
	if last := calls[len(calls)-1]; last.at.Before(end) {
		t.Errorf("final invocation at %v, before the window's end %v", last.at, end)
	}
	prev := json.RawMessage(`{}`)
	n := 0
	for i, c := range calls {
		ev := strict(t, c.payload)
		if !ev.Window.Start.Equal(start) || !ev.Window.End.Equal(end) || ev.ShardID != "shardId-000000000006" || ev.EventSourceARN != h.src.arn {
			t.Errorf("call %d: window %v–%v shard %q arn %q, want %v–%v", i, ev.Window.Start, ev.Window.End, ev.ShardID, ev.EventSourceARN, start, end)
		}
		var got, want map[string]string
		json.Unmarshal(c.ev.State, &got)
		json.Unmarshal(prev, &want)
		if !cmp.Equal(got, want) {
			t.Errorf("call %d: state %s, want the previous response's %s", i, c.ev.State, prev)
		}
		res, _ := counting(context.Background(), &c.ev)
		var r struct{ State json.RawMessage }
		json.Unmarshal(res.Payload, &r)
		prev = r.State
		n += len(c.ev.Records)
		if c.ev.Early || (c.ev.Final != (i == len(calls)-1)) {
			t.Errorf("call %d: final %v early %v", i, c.ev.Final, c.ev.Early)
		}
	}
	final := calls[len(calls)-1]
	var st map[string]string
	json.Unmarshal(final.ev.State, &st)
	if n != 3 || st["count"] != "3" || st["data"] != "w000,w001,w002," {
		t.Errorf("%d records, final state %s", n, final.ev.State)
	}

	// The payload has the corpus's shape.
	sample, err := os.ReadFile(corpusWindowEvent)
	if err != nil {
		t.Fatal(err)
	}
	strict(t, sample)
	if got, want := keys(t, calls[0].payload), keys(t, sample); !cmp.Equal(got, want) {
		t.Errorf("top-level keys %v, want the corpus's %v", got, want)
	}
	if !strings.Contains(string(final.payload), `"Records":[]`) {
		t.Errorf("an empty final invocation without an empty Records list: %s", final.payload)
	}

	// The next window starts with a fresh state.
	h.src.put("shardId-000000000006", "k", "next")
	calls = h.waitFor("the next window", func(calls []call, _ [][]byte) bool {
		return slices.Contains(calls[len(calls)-1].ev.data(), "next")
	})
	if next := calls[len(calls)-1]; string(next.ev.State) != "{}" || !next.ev.Window.Start.After(start) {
		t.Errorf("next window's first call: state %s window %v", next.ev.State, next.ev.Window)
	}
}

// TestTumblingWindowEarly checks that a state over 1 MB ends the window
// early: an invocation flagged isWindowTerminatedEarly carries it, and the
// window goes on with a fresh state.
func TestTumblingWindowEarly(t *testing.T) {
	var mu sync.Mutex
	big := `{"state":{"big":"` + strings.Repeat("x", maxWindowState) + `"}}`
	fn := func(ctx context.Context, ev *event) (Result, error) {
		mu.Lock()
		defer mu.Unlock()
		if len(ev.Records) > 0 && string(ev.Records[0].Kinesis.Data) == "fat" {
			return Result{Payload: []byte(big)}, nil
		}
		return counting(ctx, ev)
	}
	const length = 10 * time.Second
	h := newHarness(t, newSource("shardId-000000000000"), fn)
	h.apply(h.mapping(func(mp *Mapping) { mp.TumblingWindow = length }))
	waitWindow(length, 8*time.Second)
	h.src.put("shardId-000000000000", "k", "fat")
	h.waitFor("the early end", func(calls []call, _ [][]byte) bool { return len(calls) >= 2 })
	h.src.put("shardId-000000000000", "k", "after")
	calls := h.waitFor("the record after", func(calls []call, _ [][]byte) bool { return len(calls) >= 3 })
	early, after := calls[1].ev, calls[2].ev
	if !early.Early || !early.Final || len(early.Records) != 0 || len(early.State) < maxWindowState {
		t.Errorf("early end: final %v early %v, %d records, state of %d bytes", early.Final, early.Early, len(early.Records), len(early.State))
	}
	if after.Early || after.Final || string(after.State) != "{}" || !after.Window.Start.Equal(early.Window.Start) {
		t.Errorf("after the early end: %+v", after)
	}
}

// TestTumblingWindowRestart checks that an open window's state is kept in
// the checkpoint: a new Manager goes on with it.
func TestTumblingWindowRestart(t *testing.T) {
	const length = 10 * time.Second
	h := newHarness(t, newSource("shardId-000000000000"), counting)
	mp := h.mapping(func(mp *Mapping) { mp.TumblingWindow = length })
	waitWindow(length, 8*time.Second)
	h.apply(mp)
	h.src.put("shardId-000000000000", "k", "one")
	h.records(1)
	h.closeManager()
	h.m = h.newManager()
	h.apply(mp)
	h.src.put("shardId-000000000000", "k", "two")
	calls := h.records(2)
	var st map[string]string
	if err := json.Unmarshal(calls[len(calls)-1].ev.State, &st); err != nil || st["data"] != "one," {
		t.Errorf("after the restart, state %s, want the window's state so far", calls[len(calls)-1].ev.State)
	}
}

// TestTumblingWindowAged checks that a window whose records all passed
// MaximumRecordAge still gets its final invocation, without them.
func TestTumblingWindowAged(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), counting)
	h.src.putAt("shardId-000000000000", "k", "old", time.Now().Add(-3*time.Minute))
	h.apply(h.mapping(func(mp *Mapping) { mp.TumblingWindow = time.Minute; mp.MaximumRecordAge = time.Minute }))
	calls := h.waitFor("the final invocation", func(calls []call, sent [][]byte) bool { return len(calls) == 1 && len(sent) == 1 })
	if ev := calls[0].ev; !ev.Final || len(ev.Records) != 0 || string(ev.State) != "{}" {
		t.Errorf("final invocation %s", calls[0].payload)
	}
	_, sent := h.snapshot()
	if d := decode(t, sent[0]); d.RequestContext.Condition != conditionAge {
		t.Errorf("failure record %s", sent[0])
	}
}
