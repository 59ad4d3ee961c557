package functions

import "github.com/prometheus/client_golang/prometheus"

// metrics are the per-function counters Lambda publishes to CloudWatch.
type metrics struct {
	invocations *prometheus.CounterVec
	errors      *prometheus.CounterVec
	throttles   *prometheus.CounterVec
	coldStarts  *prometheus.CounterVec
	timeouts    *prometheus.CounterVec
	idleDeaths  *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	concurrent  *prometheus.GaugeVec
	gbSeconds   *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	label := []string{"function"}
	counter := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "verge", Subsystem: "function", Name: name, Help: help}, label)
	}
	m := &metrics{
		invocations: counter("invocations_total", "Invocations that ran (or failed to initialise), as Lambda's Invocations."),
		errors:      counter("errors_total", "Invocations that ended in a function error, as Lambda's Errors."),
		throttles:   counter("throttles_total", "Invocations refused at the concurrency limit, as Lambda's Throttles."),
		coldStarts:  counter("cold_starts_total", "Sandboxes started for an invocation."),
		timeouts:    counter("timeouts_total", "Invocations that ran out of time."),
		idleDeaths:  counter("idle_deaths_total", "Sandboxes found dead between invocations (the runtime exited while idle: a crash in a timer, a kill) and replaced instead of reused."),
		gbSeconds:   counter("billed_gb_seconds_total", "Billed duration times configured memory, in GB-seconds, as Lambda bills."),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "verge", Subsystem: "function", Name: "duration_seconds",
			Help:    "Invocation duration, as Lambda's Duration.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900},
		}, label),
		concurrent: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "verge", Subsystem: "function", Name: "concurrent_executions",
			Help: "Invocations in progress, as Lambda's ConcurrentExecutions.",
		}, label),
	}
	if reg != nil {
		reg.MustRegister(m.invocations, m.errors, m.throttles, m.coldStarts, m.timeouts, m.idleDeaths, m.gbSeconds, m.duration, m.concurrent)
	}
	return m
}

// observe counts one invocation that ran.
func (m *metrics) observe(fn string, memoryMB int, r *run) {
	m.invocations.WithLabelValues(fn).Inc()
	if r.fnErrored {
		m.errors.WithLabelValues(fn).Inc()
	}
	if r.timedOut {
		m.timeouts.WithLabelValues(fn).Inc()
	}
	m.duration.WithLabelValues(fn).Observe(r.duration.Seconds())
	m.gbSeconds.WithLabelValues(fn).Add(r.billed.Seconds() * float64(memoryMB) / 1024)
}
