package metrics

import "github.com/prometheus/client_golang/prometheus"

// JobsFigures is what the jobs plugin counted, as JobsCollector reports
// it. main fills it from jobs.Plugin.Counters (metrics does not import
// jobs: plugins are peers).
type JobsFigures struct {
	PushOK, PushErr, JobsOK, JobsErr uint64
	JobsRequeue                      uint64 // replies that put the job back
	Pushes                           []JobsPushSeries
}

// JobsPushSeries is one {driver, job, source} series of
// rr_jobs_requests_total and rr_jobs_push_latency. Job is the pipeline
// name, as RoadRunner labels it.
type JobsPushSeries struct {
	Driver, Job, Source string
	Count               uint64
	SumSeconds          float64
	Buckets             map[float64]uint64 // upper bound (s) → cumulative count
}

// JobsCollector exposes the jobs plugin's own counters under RoadRunner's
// names, types and HELP texts (PROTOCOL-PLUGINS.md §6.3; RoadRunner
// exposes the four totals as gauges). The figures are read when
// Prometheus scrapes; the jobs plugin only adds to atomics.
type JobsCollector struct {
	figures                          func() JobsFigures
	pushOK, pushErr, jobsOK, jobsErr *prometheus.Desc
	jobsRequeue                      *prometheus.Desc
	requests, latency                *prometheus.Desc
}

// NewJobsCollector describes the figures returns.
func NewJobsCollector(figures func() JobsFigures) *JobsCollector {
	labels := []string{"driver", "job", "source"}
	return &JobsCollector{
		figures: figures,
		pushOK:  prometheus.NewDesc("rr_jobs_push_ok", "Number of job push", nil, nil),
		pushErr: prometheus.NewDesc("rr_jobs_push_err", "Number of jobs push which was failed", nil, nil),
		jobsOK:  prometheus.NewDesc("rr_jobs_jobs_ok", "Number of successfully processed jobs", nil, nil),
		jobsErr: prometheus.NewDesc("rr_jobs_jobs_err", "Number of jobs error while processing in the worker", nil, nil),
		// rr_jobs_jobs_requeue came with RoadRunner's jobs plugin v6
		// (a counter there, as its four totals became).
		jobsRequeue: prometheus.NewDesc("rr_jobs_jobs_requeue", "Number of re-queued jobs", nil, nil),
		requests:    prometheus.NewDesc("rr_jobs_requests_total", "The total number of requests sent to the JOBS plugin", labels, nil),
		latency:     prometheus.NewDesc("rr_jobs_push_latency", "Histogram represents latency for pushed operation", labels, nil),
	}
}

// Describe sends every descriptor.
func (c *JobsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.pushOK, c.pushErr, c.jobsOK, c.jobsErr, c.jobsRequeue, c.requests, c.latency} {
		ch <- d
	}
}

// Collect takes one snapshot and reports it.
func (c *JobsCollector) Collect(ch chan<- prometheus.Metric) {
	f := c.figures()
	ch <- prometheus.MustNewConstMetric(c.pushOK, prometheus.GaugeValue, float64(f.PushOK))
	ch <- prometheus.MustNewConstMetric(c.pushErr, prometheus.GaugeValue, float64(f.PushErr))
	ch <- prometheus.MustNewConstMetric(c.jobsOK, prometheus.GaugeValue, float64(f.JobsOK))
	ch <- prometheus.MustNewConstMetric(c.jobsErr, prometheus.GaugeValue, float64(f.JobsErr))
	ch <- prometheus.MustNewConstMetric(c.jobsRequeue, prometheus.CounterValue, float64(f.JobsRequeue))
	for _, s := range f.Pushes {
		ch <- prometheus.MustNewConstMetric(c.requests, prometheus.CounterValue, float64(s.Count), s.Driver, s.Job, s.Source)
		ch <- prometheus.MustNewConstHistogram(c.latency, s.Count, s.SumSeconds, s.Buckets, s.Driver, s.Job, s.Source)
	}
}
