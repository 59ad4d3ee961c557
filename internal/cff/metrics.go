package cff

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/verge-edge/verge/internal/edge"
)

// Metrics count cdn-function runs and failures, by function.
type Metrics struct {
	runs     *prometheus.CounterVec
	errors   *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the collectors on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "verge_cdn_function_runs_total", Help: "cdn-function runs by function and trigger.",
		}, []string{"function", "trigger"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "verge_cdn_function_errors_total",
			Help: "cdn-function failures by function and CloudFront's type (FunctionExecutionError, FunctionValidationError).",
		}, []string{"function", "type"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "verge_cdn_function_duration_seconds", Help: "Time from event built to result applied.",
			Buckets: []float64{.00002, .00005, .0001, .0002, .0005, .001, .002, .005, .01},
		}, []string{"function"}),
	}
	reg.MustRegister(m.runs, m.errors, m.duration)
	return m
}

// observe counts one run of fn at trigger that took d and ended with err.
func (m *Metrics) observe(fn, trigger string, d time.Duration, err error) {
	if m == nil {
		return
	}
	m.runs.WithLabelValues(fn, trigger).Inc()
	m.duration.WithLabelValues(fn).Observe(d.Seconds())
	if err != nil {
		kind := "FunctionExecutionError"
		var fe *edge.FuncError
		if errors.As(err, &fe) {
			kind = fe.Type
		}
		m.errors.WithLabelValues(fn, kind).Inc()
	}
}
