package engine

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// Response is a worker's answer. It holds the worker until Release (or
// Stop), so Context and Body alias the worker's read buffer without
// copying: they are valid until the next call to Next, Stop or Release.
//
// A Response is used by one goroutine. It is a small allocation of its own
// (not part of the worker) so that a second Release, or a Release after
// Stop, can never touch a worker that already serves another job.
type Response struct {
	Context []byte
	Body    []byte
	Flags   byte // the frame's flags byte (codec)

	p    *Pool
	w    *worker // nil once released
	more bool
	pid  int
	wait time.Duration
}

// errReleased: Next on a Response that was already released.
var errReleased = errors.New("engine: response already released")

// More reports whether the worker is streaming and more frames follow.
func (r *Response) More() bool { return r.more && r.w != nil }

// PID is the process id of the worker that answered.
func (r *Response) PID() int { return r.pid }

// QueueWait is how long the job waited for a free worker.
func (r *Response) QueueWait() time.Duration { return r.wait }

func (r *Response) op() string {
	if r.more {
		return "stream"
	}
	return "exec"
}

// Next reads the next frame of a streamed response into r, answering PING
// with PONG. Each read is bounded by exec_ttl when it is set, and ends early
// when ctx is done (the worker is then killed, as a cancelled Exec). It
// returns io.EOF when the stream has already ended. On error the worker is
// released (or killed) and r is done.
func (r *Response) Next(ctx context.Context) error {
	w := r.w
	if w == nil {
		return errReleased
	}
	if !r.more {
		return io.EOF
	}
	if !w.discardRest() { // a body the caller did not read to the end
		r.more = false
		r.finish(false)
		return &WorkerError{PID: w.pid, Op: "stream", Err: ErrWorkerCrashed}
	}
	stop := w.arm(ctx, time.Now())
	err := w.read(ctx, r, false)
	if err == nil || isSoft(err) {
		w.disarm(stop, true)
		if err != nil {
			r.more = false
			r.finish(true)
		}
		return err
	}
	w.disarm(stop, false)
	r.more = false
	r.finish(false)
	return err
}

// Stop tells the worker to stop streaming (STOP frame), drains its frames up
// to stream_timeout (then kills it), and releases the worker. On a response
// that is not streaming it is Release.
func (r *Response) Stop() error {
	w := r.w
	if w == nil {
		return nil
	}
	if !r.more {
		r.Release()
		return nil
	}
	r.more = false
	err := w.stopStream()
	r.finish(err == nil)
	return err
}

// Release gives the worker back to the pool. Releasing a response that is
// still streaming stops the stream first. Release is idempotent.
func (r *Response) Release() {
	if r.w == nil {
		return
	}
	if r.more {
		_ = r.Stop()
		return
	}
	r.finish(true)
}

// finish ends r's hold on the worker; reuse says whether the worker may
// serve again (after a failure it has been killed already).
func (r *Response) finish(reuse bool) {
	w := r.w
	r.w, r.Context, r.Body = nil, nil, nil
	if reuse && w.discardRest() {
		r.p.recycle(w)
	}
	r.p.active.Add(-1)
}

// stopStream sends STOP and reads frames until the one without STREAM,
// answering PINGs, for at most stream_timeout; past it the worker is killed.
func (w *worker) stopStream() error {
	if !w.discardRest() {
		return &WorkerError{PID: w.pid, Op: "stream", Err: ErrStreamStopped}
	}
	deadline := time.Now().Add(w.p.cfg.Pool.StreamTimeout)
	_ = w.rl.SetWriteDeadline(deadline)
	_ = w.rl.SetReadDeadline(deadline)
	defer func() {
		_ = w.rl.SetWriteDeadline(time.Time{})
		_ = w.rl.SetReadDeadline(time.Time{})
	}()
	if _, err := w.rl.Write(frameStreamStop); err != nil {
		w.p.kill(w, StateErrored)
		return &WorkerError{PID: w.pid, Op: "stream", Err: ErrWorkerCrashed}
	}
	for {
		if err := w.rd.ReadFrame(&w.fr); err != nil {
			w.p.kill(w, StateErrored)
			return &WorkerError{PID: w.pid, Op: "stream", Err: errors.Join(ErrStreamStopped, err)}
		}
		if w.fr.Byte10&wire.Ping != 0 {
			if _, err := w.rl.Write(framePong); err != nil {
				w.p.kill(w, StateErrored)
				return &WorkerError{PID: w.pid, Op: "stream", Err: ErrWorkerCrashed}
			}
		}
		if w.fr.Byte10&wire.Stream == 0 {
			return nil
		}
	}
}
