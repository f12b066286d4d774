package main

import (
	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/metrics"
)

// registerJobsMetrics adds the jobs plugin's own counters (rr_jobs_push_ok,
// _push_err, _jobs_ok, _jobs_err, _requests_total, _push_latency) and its
// pool's gauges to /metrics, when both plugins run.
func (s *server) registerJobsMetrics() error {
	if s.metrics == nil || s.jobs == nil {
		return nil
	}
	if err := s.metrics.Register(metrics.NewPoolCollector("jobs", s.jobs.pool.Stats)); err != nil {
		return err
	}
	return s.metrics.Register(metrics.NewJobsCollector(func() metrics.JobsFigures {
		return jobsFigures(s.jobs.plugin.Counters())
	}))
}

// jobsFigures converts the jobs plugin's snapshot for the metrics plugin.
func jobsFigures(c jobs.Counters) metrics.JobsFigures {
	f := metrics.JobsFigures{PushOK: c.PushOK, PushErr: c.PushErr, JobsOK: c.JobsOK, JobsErr: c.JobsErr,
		JobsRequeue: c.JobsRequeue, Pushes: make([]metrics.JobsPushSeries, 0, len(c.Pushes))}
	for _, p := range c.Pushes {
		b := make(map[float64]uint64, len(jobs.LatencyBuckets))
		for i, ub := range jobs.LatencyBuckets {
			b[ub] = p.Cumulative[i]
		}
		f.Pushes = append(f.Pushes, metrics.JobsPushSeries{Driver: p.Driver, Job: p.Pipeline, Source: p.Source,
			Count: p.Count, SumSeconds: p.Sum.Seconds(), Buckets: b})
	}
	return f
}
