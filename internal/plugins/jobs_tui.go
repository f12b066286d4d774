package plugins

import (
	"context"
	"time"

	"github.com/phprun/phprun/tui"
)

// Pipelines converts the plugin's stats for the dashboard's Jobs pane,
// the query bounded by timeout (timeouts.dashboard_query).
func (j *Jobs) Pipelines(timeout time.Duration) []tui.Pipeline {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	stats := j.Plugin.Stats(ctx)
	out := make([]tui.Pipeline, 0, len(stats))
	for _, s := range stats {
		out = append(out, tui.Pipeline{Name: s.Pipeline, Driver: s.Driver, Consuming: s.Ready, Queued: s.Active,
			Delayed: s.Delayed, Running: s.Reserved, Priority: s.Priority, Error: s.Error})
	}
	return out
}

// Finished returns up to n of the last finished jobs, newest first; none
// unless started with KeepFinished.
func (j *Jobs) Finished(n int) []tui.FinishedJob {
	if j.recent == nil {
		return nil
	}
	fs := j.recent.last(n)
	out := make([]tui.FinishedJob, 0, len(fs))
	for _, f := range fs {
		out = append(out, tui.FinishedJob{Time: f.Time, ID: f.ID, Name: f.Name, Pipeline: f.Pipeline, Outcome: f.Outcome,
			Error: f.Error, Duration: f.Duration, PID: f.PID})
	}
	return out
}
