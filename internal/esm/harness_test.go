package esm

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/broker"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// An event is an invocation's payload as the tests read it.
type event struct {
	Records []struct {
		Kinesis struct {
			PartitionKey   string `json:"partitionKey"`
			SequenceNumber string `json:"sequenceNumber"`
			Data           []byte `json:"data"`
		} `json:"kinesis"`
	} `json:"Records"`
	Window *struct {
		Start, End time.Time
	} `json:"window"`
	State   json.RawMessage `json:"state"`
	ShardID string          `json:"shardId"`
	Final   bool            `json:"isFinalInvokeForWindow"`
	Early   bool            `json:"isWindowTerminatedEarly"`
}

func (e *event) seqs() []string {
	out := make([]string, len(e.Records))
	for i, r := range e.Records {
		out[i] = r.Kinesis.SequenceNumber
	}
	return out
}

func (e *event) data() []string {
	out := make([]string, len(e.Records))
	for i, r := range e.Records {
		out[i] = string(r.Kinesis.Data)
	}
	return out
}

// A call is one invocation the function saw.
type call struct {
	ev      event
	payload []byte
	at      time.Time
}

// A harness runs Managers on an embedded JetStream with a recording
// function.
type harness struct {
	t   *testing.T
	b   *broker.Broker
	src *memSource

	mu    sync.Mutex
	fn    func(ctx context.Context, ev *event) (Result, error)
	calls []call
	sent  [][]byte
	m     *Manager
}

// newHarness opens a broker in a temporary folder and a Manager whose
// function is fn (success when nil).
func newHarness(t *testing.T, src *memSource, fn func(ctx context.Context, ev *event) (Result, error)) *harness {
	t.Helper()
	b, err := broker.Open(context.Background(), broker.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, b: b, src: src, fn: fn}
	t.Cleanup(func() {
		h.closeManager()
		b.Close()
	})
	h.m = h.newManager()
	return h
}

func (h *harness) newManager() *Manager {
	h.t.Helper()
	m, err := New(context.Background(), Options{
		JetStream: h.b.JetStream(),
		Invoke:    h.invoke,
		Send:      h.send,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}

func (h *harness) closeManager() {
	if h.m == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.m.Close(ctx); err != nil {
		h.t.Errorf("Close: %v", err)
	}
	h.m = nil
}

func (h *harness) invoke(ctx context.Context, function string, payload []byte) (Result, error) {
	var ev event
	if err := json.Unmarshal(payload, &ev); err != nil {
		h.t.Errorf("payload is not JSON: %v\n%s", err, payload)
	}
	h.mu.Lock()
	h.calls = append(h.calls, call{ev: ev, payload: payload, at: time.Now()})
	fn := h.fn
	h.mu.Unlock()
	if fn == nil {
		return Result{}, nil
	}
	return fn(ctx, &ev)
}

func (h *harness) send(ctx context.Context, d Destination, record []byte) error {
	h.mu.Lock()
	h.sent = append(h.sent, record)
	h.mu.Unlock()
	return nil
}

// mapping is a mapping of h's source with the tests' defaults.
func (h *harness) mapping(change func(*Mapping)) Mapping {
	mp := Mapping{
		UUID: "a1b2c3d4-0000-4000-8000-000000000001", Function: "fn",
		FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:fn", Source: h.src,
		StartingPosition: TrimHorizon, MaximumRetryAttempts: -1, Enabled: true,
		OnFailure: &Destination{Kind: "sqs", Name: "failures"},
	}
	if change != nil {
		change(&mp)
	}
	return mp
}

func (h *harness) apply(ms ...Mapping) {
	h.t.Helper()
	if err := h.m.Apply(ms); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) snapshot() ([]call, [][]byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]call(nil), h.calls...), append([][]byte(nil), h.sent...)
}

// waitFor waits until cond holds of the calls and failure records.
func (h *harness) waitFor(what string, cond func(calls []call, sent [][]byte) bool) []call {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		calls, sent := h.snapshot()
		if cond(calls, sent) {
			return calls
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; %d calls: %v", what, len(calls), batches(calls))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// processed waits until n records in all were invoked and returns the
// calls.
func (h *harness) records(n int) []call {
	h.t.Helper()
	return h.waitFor("records", func(calls []call, _ [][]byte) bool {
		k := 0
		for _, c := range calls {
			k += len(c.ev.Records)
		}
		return k >= n
	})
}

// batches are the data of each call's records.
func batches(calls []call) [][]string {
	out := make([][]string, len(calls))
	for i, c := range calls {
		out[i] = c.ev.data()
	}
	return out
}

// fill puts n records of data "prefix<i>" on shard with key.
func (h *harness) fill(shard, key, prefix string, n int) []Record {
	out := make([]Record, n)
	for i := range n {
		out[i] = h.src.put(shard, key, prefix+itoa(i))
	}
	return out
}

func itoa(i int) string {
	return string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// waitForCheckpoint waits until the mapping's checkpoint of shard is
// after seq, and returns the calls.
func (h *harness) waitForCheckpoint(mapping, shard, seq string) []call {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	cps, err := openCheckpoints(context.Background(), h.b.JetStream())
	if err != nil {
		h.t.Fatal(err)
	}
	for {
		cp, _, err := cps.get(context.Background(), mapping, shard)
		if err != nil {
			h.t.Fatal(err)
		}
		if cp.Pos.After >= seq {
			calls, _ := h.snapshot()
			return calls
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("checkpoint %+v, want %s", cp, seq)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
