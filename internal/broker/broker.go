package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/verge-edge/verge/internal/errs"
)

// Options configure Open.
type Options struct {
	// Dir is the embedded server's store folder. Required when URL is empty.
	Dir string
	// URL, when set, connects to an external NATS server instead of
	// embedding one (for example nats://10.0.0.5:4222).
	URL string
	// Name is the server name (embedded) or the connection name (external).
	// Default DefaultName.
	Name string
	// MaxMemory and MaxStore are the embedded JetStream's limits in bytes.
	// Defaults DefaultMaxMemory and DefaultMaxStore.
	MaxMemory, MaxStore int64
	// Logger receives the embedded server's notices, warnings and errors.
	// Nil keeps the server silent.
	Logger *slog.Logger
}

// Broker is an open connection to JetStream, with the embedded server
// that serves it when there is one.
type Broker struct {
	ns     *server.Server // nil for an external server
	nc     *nats.Conn
	js     jetstream.JetStream
	closed chan struct{} // closed once the connection is
}

// Open starts the embedded server (or dials o.URL) and returns once
// JetStream answers, or ctx ends.
func Open(ctx context.Context, o Options) (*Broker, error) {
	const op errs.Op = "broker.Open"
	if o.Name == "" {
		o.Name = DefaultName
	}
	b := &Broker{closed: make(chan struct{})}
	var err error
	if o.URL == "" {
		err = b.embed(ctx, o)
	} else {
		err = b.dial(o)
	}
	if err != nil {
		b.shutdown()
		return nil, errs.E(op, err)
	}
	if b.js, err = jetstream.New(b.nc); err != nil {
		b.Close()
		return nil, errs.E(op, errs.Internal, err)
	}
	if err := b.waitJetStream(ctx); err != nil {
		b.Close()
		return nil, errs.E(op, errs.Unavailable, err)
	}
	return b, nil
}

// embed starts an in-process server and connects to it without TCP.
func (b *Broker) embed(ctx context.Context, o Options) error {
	if o.Dir == "" {
		return errs.E(errs.Invalid, errors.New("broker: a store folder is required for the embedded server"))
	}
	opts := &server.Options{
		ServerName:         o.Name,
		DontListen:         true,
		JetStream:          true,
		StoreDir:           o.Dir,
		JetStreamMaxMemory: orDefault(o.MaxMemory, DefaultMaxMemory),
		JetStreamMaxStore:  orDefault(o.MaxStore, DefaultMaxStore),
		MaxPayload:         MaxPayload,
		NoSigs:             true,
		NoLog:              o.Logger == nil,
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return errs.E(errs.Invalid, o.Dir, fmt.Errorf("configuring the embedded NATS server: %w", err))
	}
	b.ns = ns
	if o.Logger != nil {
		ns.SetLoggerV2(logger{o.Logger}, false, false, false)
	}
	ns.Start()
	wait := 10 * time.Second
	if d, ok := ctx.Deadline(); ok {
		wait = time.Until(d)
	}
	if !ns.ReadyForConnections(wait) {
		return errs.E(errs.Unavailable, o.Dir, errors.New("the embedded NATS server did not start"))
	}
	nc, err := nats.Connect("", nats.InProcessServer(ns), nats.Name(o.Name), b.closedHandler())
	if err != nil {
		return errs.E(errs.Internal, fmt.Errorf("connecting to the embedded NATS server: %w", err))
	}
	b.nc = nc
	return nil
}

// dial connects to an external server, reconnecting for ever.
func (b *Broker) dial(o Options) error {
	nc, err := nats.Connect(o.URL, nats.Name(o.Name), nats.MaxReconnects(-1), nats.RetryOnFailedConnect(false), b.closedHandler())
	if err != nil {
		return errs.E(errs.Unavailable, o.URL, fmt.Errorf("connecting to NATS: %w", err))
	}
	b.nc = nc
	return nil
}

func (b *Broker) closedHandler() nats.Option {
	return nats.ClosedHandler(func(*nats.Conn) { close(b.closed) })
}

// waitJetStream polls until JetStream answers: a server accepting
// connections is not yet a JetStream ready to create streams (its meta
// leader may still be being elected in a cluster).
func (b *Broker) waitJetStream(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
	}
	tick := time.NewTicker(readyPoll)
	defer tick.Stop()
	for {
		_, err := b.js.AccountInfo(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("JetStream not ready: %w", err)
		case <-tick.C:
		}
	}
}

// Conn returns the NATS connection.
func (b *Broker) Conn() *nats.Conn { return b.nc }

// JetStream returns the JetStream context on the connection.
func (b *Broker) JetStream() jetstream.JetStream { return b.js }

// Close drains the connection (pending publishes and acks go out), then
// shuts the embedded server down and waits for it.
func (b *Broker) Close() error {
	var err error
	if b.nc != nil && !b.nc.IsClosed() {
		if derr := b.nc.Drain(); derr != nil {
			b.nc.Close()
		}
		select {
		case <-b.closed:
		case <-time.After(30 * time.Second):
			b.nc.Close()
			err = errs.E(errs.Op("broker.Close"), errs.Timeout, errors.New("draining the NATS connection took too long"))
		}
	}
	b.shutdown()
	return err
}

func (b *Broker) shutdown() {
	if b.nc != nil {
		b.nc.Close()
	}
	if b.ns != nil {
		b.ns.Shutdown()
		b.ns.WaitForShutdown()
	}
}

func orDefault(v, def int64) int64 {
	if v <= 0 {
		return def
	}
	return v
}
