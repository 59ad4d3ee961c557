package broker

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/verge-edge/verge/internal/errs"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func open(t *testing.T, o Options) *Broker {
	t.Helper()
	b, err := Open(testCtx(t), o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return b
}

func TestOpenClose(t *testing.T) {
	var logs bytes.Buffer
	// The server's notices are Debug: the banner stays out of an Info log.
	b := open(t, Options{Dir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if !b.Conn().IsConnected() {
		t.Fatal("not connected")
	}
	cfg := b.ns.JetStreamConfig()
	if cfg == nil || cfg.MaxStore != DefaultMaxStore || cfg.MaxMemory != DefaultMaxMemory {
		t.Errorf("JetStream config = %+v, want default limits", cfg)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(logs.Bytes(), []byte("component=nats")) {
		t.Errorf("server did not log through slog: %q", logs.String())
	}
}

func TestOpenErrors(t *testing.T) {
	type tc struct {
		name string
		o    Options
		kind errs.Kind
	}
	for _, c := range []tc{
		{"no dir", Options{}, errs.Invalid},
		{"bad url", Options{URL: "nats://127.0.0.1:1"}, errs.Unavailable},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := Open(testCtx(t), c.o)
			if err == nil {
				b.Close()
				t.Fatal("Open succeeded")
			}
			if !errs.Is(c.kind, err) {
				t.Errorf("err = %v, want kind %v", err, c.kind)
			}
		})
	}
}

// TestDurable publishes, closes, reopens the same folder and consumes.
func TestDurable(t *testing.T) {
	dir := t.TempDir()
	ctx := testCtx(t)
	b := open(t, Options{Dir: dir, Name: "durable"})
	js := b.JetStream()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "T", Subjects: []string{"t.>"}, Storage: jetstream.FileStorage}); err != nil {
		t.Fatal(err)
	}
	want := []string{"one", "two", "three"}
	for _, m := range want {
		if _, err := js.Publish(ctx, "t.x", []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b = open(t, Options{Dir: dir, Name: "durable"})
	defer b.Close()
	cons, err := b.JetStream().CreateConsumer(ctx, "T", jetstream.ConsumerConfig{Durable: "c", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(len(want), jetstream.FetchMaxWait(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for m := range batch.Messages() {
		got = append(got, string(m.Data()))
		if err := m.Ack(); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %q after reopen, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("message %d = %q, want %q", i, got[i], want[i])
		}
	}
}

// TestExternal connects by URL to a second server listening on loopback.
func TestExternal(t *testing.T) {
	ns, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoSigs: true, NoLog: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	ns.Start()
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("server not ready")
	}
	b := open(t, Options{URL: ns.ClientURL(), Name: "client"})
	defer b.Close()
	ctx := testCtx(t)
	s, err := b.JetStream().CreateStream(ctx, jetstream.StreamConfig{Name: "E", Subjects: []string{"e"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.JetStream().Publish(ctx, "e", []byte("hi")); err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 1 {
		t.Errorf("stream holds %d messages, want 1", info.State.Msgs)
	}
	if ns.NumClients() != 1 {
		t.Errorf("server has %d clients, want 1", ns.NumClients())
	}
}
