package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/dispatch"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/functions/async"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

// devRetry are the delays before an asynchronous event's retries in dev:
// seconds, so a failing handler shows its retries at once (serve takes
// AWS's, about 1 and 2 minutes).
var devRetry = []time.Duration{time.Second, 2 * time.Second}

// eventSide is the event-driven half of a running Verge: the broker, the
// asynchronous invocation queue and the dispatcher of schedules and buses.
type eventSide struct {
	broker *broker.Broker
	queue  *async.Queue
	disp   *dispatch.Dispatcher
}

// startEvents opens the broker (embedded under DATA/nats, or --nats) and
// the queue, and returns the dispatcher, not yet loaded.
func (c *runConfig) startEvents(ctx context.Context, lambdas *functions.Service, logger *slog.Logger, reg prometheus.Registerer) (*eventSide, error) {
	retry, err := c.retryDelays()
	if err != nil {
		return nil, err
	}
	b, err := broker.Open(ctx, broker.Options{Dir: filepath.Join(c.data, "nats"), URL: c.natsURL, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("the event broker: %w", err)
	}
	ev := &eventSide{broker: b}
	q, err := async.New(ctx, async.Options{JetStream: b.JetStream(), Invoker: dispatch.Invoker(lambdas), Retry: retry,
		Publish: func(ctx context.Context, bus string, event []byte) error { return ev.disp.Publish(ctx, bus, event) },
		Logger:  logger, Registry: reg})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("the asynchronous queue: %w", err)
	}
	ev.queue = q
	ev.disp = dispatch.New(dispatch.Options{Queue: q, Logger: logger})
	return ev, nil
}

// retryDelays parses --async-retry; the default is dev's seconds or AWS's.
func (c *runConfig) retryDelays() ([]time.Duration, error) {
	if c.asyncRetry == "" {
		if c.watch {
			return devRetry, nil
		}
		return async.DefaultRetry, nil
	}
	var out []time.Duration
	for _, f := range strings.Split(c.asyncRetry, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("--async-retry %q: want delays such as 1s,2s", c.asyncRetry)
		}
		out = append(out, d)
	}
	return out, nil
}

// routes adds the EventBridge PutEvents endpoint (AWS JSON 1.1 on POST /).
func (ev *eventSide) routes(mux *http.ServeMux) {
	mux.Handle("POST /{$}", eventbus.NewHandler(ev.disp, ev.disp.HasBus))
}

// close stops the schedules, then the queue (running invocations go back to
// the queue), then the broker.
func (ev *eventSide) close() {
	ev.disp.Close()
	ev.queue.Close()
	ev.broker.Close()
}
