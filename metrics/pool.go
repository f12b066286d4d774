package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/phprun/phprun/engine"
)

// PoolCollector exposes one worker pool under RoadRunner's names
// (rr_<plugin>_total_workers, _workers_memory_bytes, _workers_ready,
// _workers_working, _workers_invalid, _worker_memory_bytes{pid},
// _worker_state{pid,state}), read from a Stats snapshot at scrape time.
type PoolCollector struct {
	stats func() engine.Stats

	total, memory, ready, working, invalid *prometheus.Desc
	workerMemory, workerState              *prometheus.Desc
	queue, uptime                          *prometheus.Desc // HTTP only: from RoadRunner's http_metrics plugin
	start                                  time.Time
}

// NewPoolCollector describes the pool stats returns. plugin is
// RoadRunner's plugin name ("http", "jobs"): it makes the metric prefix
// and, for http, the HELP texts RoadRunner writes and the
// rr_http_requests_queue and rr_http_uptime_seconds metrics.
func NewPoolCollector(plugin string, stats func() engine.Stats) *PoolCollector {
	ns := "rr_" + plugin
	who, whoCap, byPlugin := "workers", "Workers", "the plugin"
	if plugin == "http" {
		who, whoCap, byPlugin = "HTTP workers", "HTTP workers", "the HTTP plugin"
	}
	c := &PoolCollector{
		stats:        stats,
		total:        prometheus.NewDesc(ns+"_total_workers", "Total number of workers used by "+byPlugin, nil, nil),
		memory:       prometheus.NewDesc(ns+"_workers_memory_bytes", "Memory usage by "+who+".", nil, nil),
		ready:        prometheus.NewDesc(ns+"_workers_ready", whoCap+" currently in ready state", nil, nil),
		working:      prometheus.NewDesc(ns+"_workers_working", whoCap+" currently in working state", nil, nil),
		invalid:      prometheus.NewDesc(ns+"_workers_invalid", whoCap+" currently in invalid,killing,destroyed,errored,inactive states", nil, nil),
		workerMemory: prometheus.NewDesc(ns+"_worker_memory_bytes", "Worker current memory usage", []string{"pid"}, nil),
		workerState:  prometheus.NewDesc(ns+"_worker_state", "Worker current state", []string{"pid", "state"}, nil),
		start:        time.Now(),
	}
	if plugin == "http" {
		c.queue = prometheus.NewDesc("rr_http_requests_queue", "Total number of queued requests.", nil, nil)
		c.uptime = prometheus.NewDesc("rr_http_uptime_seconds", "Uptime in seconds", nil, nil)
	}
	return c
}

// Describe sends every descriptor.
func (c *PoolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.total, c.memory, c.ready, c.working, c.invalid, c.workerMemory, c.workerState} {
		ch <- d
	}
	if c.queue != nil {
		ch <- c.queue
		ch <- c.uptime
	}
}

// Collect takes one snapshot and reports it.
func (c *PoolCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.stats()
	var rss uint64
	var ready, working, invalid int
	for _, w := range st.Workers {
		rss += w.RSS
		switch w.State {
		case engine.StateReady:
			ready++
		case engine.StateWorking:
			working++
		case engine.StateInvalid, engine.StateStopping, engine.StateDestroyed, engine.StateErrored, engine.StateInactive:
			invalid++
		}
		pid := strconv.Itoa(w.PID)
		ch <- prometheus.MustNewConstMetric(c.workerMemory, prometheus.GaugeValue, float64(w.RSS), pid)
		ch <- prometheus.MustNewConstMetric(c.workerState, prometheus.GaugeValue, 0, pid, w.State.String())
	}
	ch <- prometheus.MustNewConstMetric(c.total, prometheus.GaugeValue, float64(len(st.Workers)))
	ch <- prometheus.MustNewConstMetric(c.memory, prometheus.GaugeValue, float64(rss))
	ch <- prometheus.MustNewConstMetric(c.ready, prometheus.GaugeValue, float64(ready))
	ch <- prometheus.MustNewConstMetric(c.working, prometheus.GaugeValue, float64(working))
	ch <- prometheus.MustNewConstMetric(c.invalid, prometheus.GaugeValue, float64(invalid))
	if c.queue != nil {
		ch <- prometheus.MustNewConstMetric(c.queue, prometheus.GaugeValue, float64(st.Queue))
		ch <- prometheus.MustNewConstMetric(c.uptime, prometheus.CounterValue, time.Since(c.start).Seconds())
	}
}
