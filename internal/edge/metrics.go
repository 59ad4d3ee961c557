package edge

import (
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/verge-edge/verge/internal/edge/cache"
)

// Metrics are the edge's Prometheus collectors. Children are resolved once,
// so counting a request is a few atomic adds.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	byResult map[string]prometheus.Counter
	bytes    prometheus.Counter
	duration prometheus.Histogram
	// acceptErrors counts failed Accepts by listener (accept.go).
	acceptErrors *prometheus.CounterVec
}

// NewMetrics registers the edge's collectors on reg.
func NewMetrics(reg *prometheus.Registry) *Metrics {
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "verge_edge_requests_total", Help: "Viewer requests by x-edge-result-type.",
		}, []string{"result"}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "verge_edge_response_bytes_total", Help: "Body bytes sent to viewers.",
		}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "verge_edge_request_duration_seconds", Help: "Time to answer a viewer request.",
			Buckets: []float64{.0001, .0005, .001, .005, .01, .05, .1, .5, 1, 5, 30},
		}),
		acceptErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "verge_accept_errors_total", Help: "Failed Accepts (out of file descriptors, aborted connections), retried after a pause.",
		}, []string{"listener"}),
		byResult: map[string]prometheus.Counter{},
	}
	for _, r := range []string{resultHit, resultMiss, resultRefreshHit, resultError, resultGenerated} {
		m.byResult[r] = m.requests.WithLabelValues(r)
	}
	reg.MustRegister(m.requests, m.bytes, m.duration, m.acceptErrors)
	return m
}

func (m *Metrics) bindStore(s cache.Store) {
	gauge := func(name, help string, f func(cache.Stats) int64) {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return float64(f(s.Stats())) }))
	}
	gauge("verge_cache_entries", "Entries in the memory tier.", func(st cache.Stats) int64 { return st.Entries })
	gauge("verge_cache_bytes", "Bytes in the memory tier.", func(st cache.Stats) int64 { return st.Bytes })
	gauge("verge_cache_budget_bytes", "The memory tier's byte budget.", func(st cache.Stats) int64 { return st.Budget })
}

func (m *Metrics) observe(rec *logRecord) {
	if c, ok := m.byResult[rec.result]; ok {
		c.Inc()
	} else {
		m.byResult[resultMiss].Inc()
	}
	m.bytes.Add(float64(rec.bytes))
	m.duration.Observe(rec.elapsed.Seconds())
}

// Counts returns the requests counted by result type, for the admin API's
// hit ratio.
func (m *Metrics) Counts() map[string]float64 {
	out := map[string]float64{}
	for r, c := range m.byResult {
		var d dto.Metric
		if err := c.Write(&d); err == nil && d.Counter != nil {
			out[r] = d.Counter.GetValue()
		}
	}
	return out
}
