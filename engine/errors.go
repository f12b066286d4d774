package engine

import (
	"errors"
	"fmt"
)

// Sentinel errors of the pool. httpfront maps them to HTTP statuses in one
// place; keep them distinct so that mapping stays a switch on errors.Is.
var (
	// ErrPoolClosed: Exec after Close started.
	ErrPoolClosed = errors.New("engine: pool closed")
	// ErrDebugFixed: SetDebug on a pool started with pool.debug, which
	// stays in debug mode.
	ErrDebugFixed = errors.New("the pool runs pool.debug from its configuration")
	// ErrNoFreeWorkers: no worker became free within allocate_timeout.
	ErrNoFreeWorkers = errors.New("engine: no free workers")
	// ErrQueueFull: max_queue_size jobs are already waiting.
	ErrQueueFull = errors.New("engine: queue full")
	// ErrExecTTL: the job ran longer than supervisor.exec_ttl; its worker was killed.
	ErrExecTTL = errors.New("engine: exec_ttl exceeded")
	// ErrWorkerCrashed: the worker died or broke the protocol during the job.
	ErrWorkerCrashed = errors.New("engine: worker crashed")
	// ErrEmptyPayload: a job with neither context nor body (PHP reads it as "terminate").
	ErrEmptyPayload = errors.New("engine: empty payload")
	// ErrStreamStopped: the caller stopped a streamed response.
	ErrStreamStopped = errors.New("engine: stream stopped")
	// ErrScriptNotFound: PHP could not open the worker script.
	ErrScriptNotFound = errors.New("engine: worker script not found")
	// ErrNoSuchWorker: ResetWorker got a PID the pool does not run.
	ErrNoSuchWorker = errors.New("engine: no such worker")

	// errExitedEarly: the process ended before it became ready.
	errExitedEarly = errors.New("engine: worker exited during boot")
)

// SoftError is an error a worker reported for one job with the ERROR frame
// flag (PHP's $worker->error()). The worker stays in service.
type SoftError struct {
	PID     int
	Message string
}

func (e *SoftError) Error() string {
	return fmt.Sprintf("engine: worker %d: %s", e.PID, e.Message)
}

// WorkerError describes a failure tied to one worker process: a crash, a
// protocol violation, a timeout. Err is one of the sentinels above or the
// underlying I/O error.
type WorkerError struct {
	PID    int
	Op     string // what the engine was doing: "spawn", "handshake", "exec", "stream"
	Err    error
	Output string // the worker's last stderr or stray stdout lines, if any
}

func (e *WorkerError) Error() string {
	s := fmt.Sprintf("engine: worker %d: %s: %v", e.PID, e.Op, e.Err)
	if e.Output != "" {
		s += ": " + e.Output
	}
	return s
}

func (e *WorkerError) Unwrap() error { return e.Err }
