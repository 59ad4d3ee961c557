package async

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics count what happens to events, per function.
type metrics struct {
	queued       *prometheus.CounterVec
	retries      *prometheus.CounterVec
	dropped      *prometheus.CounterVec
	destinations *prometheus.CounterVec
}

// Reasons an event is dropped.
const (
	dropAge      = "age"
	dropRetries  = "retries"
	dropNotFound = "not-found" // the function no longer exists
)

func newMetrics(reg prometheus.Registerer) *metrics {
	vec := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "verge", Subsystem: "async", Name: name, Help: help}, append([]string{"function"}, labels...))
		if reg == nil {
			return c
		}
		// A queue reopened on the same registry keeps counting in the
		// collectors the first one registered.
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if errors.As(err, &are) {
				if existing, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
					return existing
				}
			}
			panic(err)
		}
		return c
	}
	return &metrics{
		queued:       vec("queued_total", "Asynchronous events accepted."),
		retries:      vec("retries_total", "Asynchronous events scheduled for a retry after a failed attempt."),
		dropped:      vec("dropped_total", "Asynchronous events dropped without success, as Lambda's AsyncEventsDropped.", "reason"),
		destinations: vec("destination_total", "Invocation records delivered to a destination.", "condition"),
	}
}
