package metrics

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// httpDurationBuckets are RoadRunner's buckets for
// rr_http_request_duration_seconds.
var httpDurationBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 20, 30, 60}

// HTTPMetrics is RoadRunner's http_metrics middleware:
// rr_http_request_total{status} and rr_http_request_duration_seconds{status}.
// Record runs once per request on the hot path: after a status has been
// seen once it is one atomic load, one counter add and one histogram
// observation, and no allocation.
type HTTPMetrics struct {
	total    *prometheus.CounterVec
	duration *prometheus.HistogramVec

	mu       sync.Mutex                        // serialises creating a status's children
	byStatus [600]atomic.Pointer[statusMetric] // children per status code, made on first use
}

// statusMetric is one status's children, resolved once.
type statusMetric struct {
	total    prometheus.Counter
	duration prometheus.Observer
}

// NewHTTPMetrics returns the middleware's collectors; register it with
// Plugin.Register.
func NewHTTPMetrics() *HTTPMetrics {
	return &HTTPMetrics{
		total: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rr_http_request_total",
			Help: "Total number of handled http requests after server restart."}, []string{"status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rr_http_request_duration_seconds",
			Help: "HTTP request duration.", Buckets: httpDurationBuckets}, []string{"status"}),
	}
}

// Record counts one request.
func (h *HTTPMetrics) Record(status int, d time.Duration) {
	if status < 0 || status >= len(h.byStatus) {
		status = 0 // not an HTTP status; counted under "0"
	}
	m := h.byStatus[status].Load()
	if m == nil {
		m = h.child(status)
	}
	m.total.Inc()
	m.duration.Observe(d.Seconds())
}

func (h *HTTPMetrics) child(status int) *statusMetric {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m := h.byStatus[status].Load(); m != nil {
		return m
	}
	s := strconv.Itoa(status)
	m := &statusMetric{total: h.total.WithLabelValues(s), duration: h.duration.WithLabelValues(s)}
	h.byStatus[status].Store(m)
	return m
}

// Describe sends both descriptors.
func (h *HTTPMetrics) Describe(ch chan<- *prometheus.Desc) {
	h.total.Describe(ch)
	h.duration.Describe(ch)
}

// Collect reports both vectors.
func (h *HTTPMetrics) Collect(ch chan<- prometheus.Metric) {
	h.total.Collect(ch)
	h.duration.Collect(ch)
}
