package main

import (
	"context"

	"github.com/phprun/phprun/tui"
)

// The dashboard's Jobs pane reads the jobs plugin through tui.JobsSource.
var _ tui.JobsSource = (*tuiSource)(nil)

// JobsEnabled: the config has a jobs section.
func (t *tuiSource) JobsEnabled() bool { return t.s.jobs != nil }

// Pipelines converts the plugin's stats for the pane.
func (t *tuiSource) Pipelines() []tui.Pipeline {
	if t.s.jobs == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), t.s.lc.Config.Timeouts.DashboardQuery)
	defer cancel()
	stats := t.s.jobs.plugin.Stats(ctx)
	out := make([]tui.Pipeline, 0, len(stats))
	for _, s := range stats {
		out = append(out, tui.Pipeline{Name: s.Pipeline, Driver: s.Driver, Consuming: s.Ready, Queued: s.Active,
			Delayed: s.Delayed, Running: s.Reserved, Priority: s.Priority, Error: s.Error})
	}
	return out
}

// FinishedJobs returns the last finished jobs, newest first.
func (t *tuiSource) FinishedJobs() []tui.FinishedJob {
	if t.s.jobs == nil || t.s.jobs.recent == nil {
		return nil
	}
	fs := t.s.jobs.recent.last(64)
	out := make([]tui.FinishedJob, 0, len(fs))
	for _, f := range fs {
		out = append(out, tui.FinishedJob{Time: f.Time, ID: f.ID, Name: f.Name, Pipeline: f.Pipeline, Outcome: f.Outcome,
			Error: f.Error, Duration: f.Duration, PID: f.PID})
	}
	return out
}

// PausePipeline pauses a pipeline from the dashboard.
func (t *tuiSource) PausePipeline(name string) error {
	return t.s.jobs.plugin.Pause(context.Background(), name)
}

// ResumePipeline resumes a pipeline from the dashboard.
func (t *tuiSource) ResumePipeline(name string) error {
	return t.s.jobs.plugin.Resume(context.Background(), name)
}
