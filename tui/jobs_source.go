package tui

import "time"

// JobsSource is implemented by a Source whose server may run the jobs
// plugin. The dashboard shows its Jobs pane only when JobsEnabled is true.
// Like Source, its methods run in commands, never in Update.
type JobsSource interface {
	// JobsEnabled reports whether the server runs the jobs plugin.
	JobsEnabled() bool
	// Pipelines returns every pipeline's state, sorted by name.
	Pipelines() []Pipeline
	// FinishedJobs returns the last finished jobs, newest first.
	FinishedJobs() []FinishedJob
	// PausePipeline stops consuming a pipeline; ResumePipeline starts it.
	PausePipeline(name string) error
	ResumePipeline(name string) error
}

// Pipeline is one jobs pipeline as the Jobs pane shows it.
type Pipeline struct {
	Name, Driver string
	Consuming    bool
	Queued       int64 // ready to run
	Delayed      int64 // waiting for their delay
	Running      int64 // handed out and not yet settled
	Priority     int64
	Error        string // the state could not be read (broker down)
}

// FinishedJob is one line of the Jobs pane's log.
type FinishedJob struct {
	Time     time.Time
	ID       string
	Name     string
	Pipeline string
	Outcome  string // ack, nack, requeue, failed
	Error    string
	Duration time.Duration
	PID      int
}
