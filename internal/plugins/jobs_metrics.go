package plugins

import (
	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/metrics"
)

// RegisterMetrics adds the jobs plugin's own counters (rr_jobs_push_ok,
// _push_err, _jobs_ok, _jobs_err, _requests_total, _push_latency) and its
// pool's gauges to m's /metrics.
func (j *Jobs) RegisterMetrics(m *metrics.Plugin) error {
	if err := m.Register(metrics.NewPoolCollector("jobs", j.Pool.Stats)); err != nil {
		return err
	}
	return m.Register(metrics.NewJobsCollector(func() metrics.JobsFigures {
		return jobsFigures(j.Plugin.Counters())
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
