package engine

import (
	"context"
	"errors"
	"time"
)

// CONTRACT PLACEHOLDER: the signatures below are the engine's public API that
// httpfront, rpc, tui and main build against. The engine implementation
// replaces the bodies (and may add unexported fields); the signatures stay.

// Payload is one job for a worker: the context (for HTTP, the JSON request
// context) and the body travel in one frame, with the context length as the
// frame's single option.
type Payload struct {
	Context []byte
	Body    []byte
	Codec   byte // frame flags to send, e.g. wire.CodecJSON
	Tag     Tag  // shown in Stats while the job runs
}

// Response is a worker's answer. It holds the worker until Release (or
// Stop), so Context and Body can alias the worker's buffer without copying:
// they are valid until the next call to Next, Stop or Release.
type Response struct {
	Context []byte
	Body    []byte
	Flags   byte // the frame's flags byte (codec)
}

// More reports whether the worker is streaming and more frames follow.
func (r *Response) More() bool { return false }

// Next reads the next frame of a streamed response into r, answering PING
// with PONG. Each read is bounded by exec_ttl when it is set, and ends early
// when ctx is done.
func (r *Response) Next(ctx context.Context) error { return errors.New("engine: not implemented") }

// Stop tells the worker to stop streaming (STOP frame), drains its frames up
// to stream_timeout (then kills it), and releases the worker.
func (r *Response) Stop() error { return errors.New("engine: not implemented") }

// Release gives the worker back to the pool. Releasing a response that is
// still streaming stops the stream first. Release is idempotent.
func (r *Response) Release() {}

// PID is the process id of the worker that answered.
func (r *Response) PID() int { return 0 }

// QueueWait is how long the job waited for a free worker.
func (r *Response) QueueWait() time.Duration { return 0 }

// Pool is a set of worker processes running one command.
type Pool struct{}

// New validates cfg, starts cfg.Pool.NumWorkers workers and returns once
// they are ready. If the first workers cannot boot it returns the reason
// (with the worker's last stderr lines). bus may be nil.
func New(ctx context.Context, cfg Config, bus *Bus) (*Pool, error) {
	return nil, errors.New("engine: not implemented")
}

// Name returns the pool's name (Config.Name).
func (p *Pool) Name() string { return "" }

// Exec sends pl to a free worker and returns its first response frame.
// Callers must Release the response. A worker-initiated restart request is
// retried on another worker transparently.
func (p *Pool) Exec(ctx context.Context, pl Payload) (*Response, error) {
	return nil, errors.New("engine: not implemented")
}

// Reload replaces every worker with a new generation without failing a job:
// new workers start first, idle old ones stop, busy ones stop when released.
// If the new generation cannot boot, the old one keeps serving and the boot
// error is returned.
func (p *Pool) Reload(ctx context.Context) error { return errors.New("engine: not implemented") }

// ResetWorker gracefully replaces the worker with the given PID.
func (p *Pool) ResetWorker(ctx context.Context, pid int) error {
	return errors.New("engine: not implemented")
}

// Close stops accepting jobs, waits for running ones up to destroy_timeout,
// then stops every worker: stop frame, SIGTERM, SIGKILL.
func (p *Pool) Close(ctx context.Context) error { return errors.New("engine: not implemented") }

// Stats returns a snapshot of the pool.
func (p *Pool) Stats() Stats { return Stats{} }
