package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// maxStopRetries bounds how often one job is moved to another worker
// because the worker asked to be restarted ({"stop":true}) or had died
// before it could read the job.
const maxStopRetries = 8

// maxFrame is the largest payload a frame can describe.
const maxFrame = 1<<32 - 1

// splitWrite: bodies above this size are written separately instead of
// being copied behind the header, so the write buffer stays small.
const splitWrite = 64 << 10

// errRetry marks an exchange that did not run the job (the worker asked to
// stop, or was dead before reading it): the job may go to another worker.
var errRetry = errors.New("engine: retry on another worker")

// Exec sends pl to a free worker and returns its first response frame.
// Callers must Release the response. A worker-initiated restart request is
// retried on another worker transparently.
//
// ctx bounds the wait for a worker only. Once PHP has the job it runs to
// its end, bounded by supervisor.exec_ttl alone, as in RoadRunner: a job
// cannot be taken back from PHP without killing the worker, and killing
// one for every client that disconnects would cost a worker boot each
// time. (Response.Next, which the caller drives, does honour its ctx.)
func (p *Pool) Exec(ctx context.Context, pl Payload) (*Response, error) {
	if len(pl.Context) == 0 && len(pl.Body) == 0 {
		return nil, ErrEmptyPayload
	}
	if uint64(len(pl.Context))+uint64(len(pl.Body)) > maxFrame {
		return nil, fmt.Errorf("engine: payload of %d bytes: %w", len(pl.Context)+len(pl.Body), wire.ErrTooLarge)
	}
	if err := ctx.Err(); err != nil {
		// Nobody waits for this job any more: do not start it.
		return nil, fmt.Errorf("engine: exec: %w", err)
	}
	p.active.Add(1)
	if p.closed.Load() {
		p.active.Add(-1)
		return nil, ErrPoolClosed
	}
	start := time.Now()
	for attempt := 0; ; attempt++ {
		// allocate_timeout runs from now: from the start for the first
		// attempt, afresh for a job moved to another worker.
		since := start
		if attempt > 0 {
			since = time.Now()
		}
		w, waited, err := p.acquire(ctx, since)
		if err != nil {
			p.active.Add(-1)
			p.errs.Add(1)
			return nil, err
		}
		// The clock is read once per job when a worker was free at once
		// (a clock read costs ~150 ns on some VMs, and this is the hot path).
		now := start
		if waited || attempt > 0 {
			now = time.Now()
		}
		r := &Response{p: p, w: w, pid: w.pid, wait: now.Sub(start)}
		err = w.exchange(&pl, r, now)
		if err == nil {
			p.execs.Add(1)
			return r, nil
		}
		if errors.Is(err, errRetry) && attempt < maxStopRetries {
			continue
		}
		p.active.Add(-1)
		p.errs.Add(1)
		if errors.Is(err, errRetry) {
			err = &WorkerError{PID: w.pid, Op: "exec", Err: fmt.Errorf("%w: %d workers in a row asked to be restarted", ErrWorkerCrashed, maxStopRetries+1)}
		}
		return nil, err
	}
}

// acquire takes a usable worker: an idle one, or the first one handed
// back while it waits in the queue, at most allocate_timeout from since.
// It says whether it had to wait. The fast path (a worker is free)
// allocates nothing.
func (p *Pool) acquire(ctx context.Context, since time.Time) (w *worker, waited bool, err error) {
	for {
		w = nil
		// Jobs already waiting go first: a newcomer takes an idle worker
		// directly only when nobody is queued, which keeps the wait FIFO
		// and the latency tail short under overload.
		if p.queued.Load() == 0 {
			select {
			case w = <-p.idle:
			default:
			}
		}
		if w == nil {
			waited = true
			if w, err = p.acquireSlow(ctx, since); err != nil {
				return nil, true, err
			}
			// Ask again after the wait: a context may notice lazily that
			// nobody waits any more (httpfront's fast path peeks at the
			// client's socket only when asked). Such a job is not started.
			if err := ctx.Err(); err != nil {
				p.recycle(w)
				return nil, true, fmt.Errorf("engine: waiting for a worker: %w", err)
			}
		}
		if !w.retiring.Load() && !w.proc.exited() && w.gen == p.gen.Load() && w.retireAs.Load() == 0 {
			return w, waited, nil
		}
		p.recycle(w) // stale, limited or dead: let it go and look again
	}
}

// acquireSlow waits in the pool's queue (waitq.go) for a worker.
func (p *Pool) acquireSlow(ctx context.Context, since time.Time) (*worker, error) {
	if m := p.debug.Load(); m != nil {
		return p.acquireDebug(ctx, m)
	}
	if p.cfg.Pool.Debug {
		return p.spawnDebug()
	}
	if p.serving.Load() == 0 {
		if e := p.bootErr.Load(); e != nil {
			// Nothing serves and the last boot failed: say why now rather
			// than after allocate_timeout.
			return nil, fmt.Errorf("%w: workers cannot boot: %s", ErrNoFreeWorkers, *e)
		}
	}
	w, wt, err := p.enqueue(since)
	if wt == nil {
		return w, err
	}
	p.askGrow()
	if done := ctx.Done(); done != nil {
		select {
		case w = <-wt.ch:
		case <-done:
			if p.leave(wt) {
				p.waiterPool.Put(wt)
				return nil, fmt.Errorf("engine: waiting for a worker: %w", ctx.Err())
			}
			// Popped just now: its worker (or verdict) is on the way. The
			// caller asks ctx again and gives a worker back.
			w = <-wt.ch
		}
	} else {
		w = <-wt.ch
	}
	err = wt.err
	p.waiterPool.Put(wt)
	if w == nil {
		return nil, err
	}
	return w, nil
}

// spawnDebug starts a fresh worker for one job (pool.debug).
func (p *Pool) spawnDebug() (*worker, error) {
	w, err := p.spawnWorker(p.gen.Load())
	if err != nil {
		return nil, err
	}
	w.maxJobs = 1
	w.state.Store(int64(StateReady))
	p.publish(Event{Kind: EventWorkerReady, PID: w.pid, Generation: w.gen})
	p.send(command{kind: cmdAdopt, w: w})
	return w, nil
}

// exchange runs one job on w (held by the caller) and fills r with the
// first response frame. Once PHP has the job it runs to the end, bounded
// only by exec_ttl (as in RoadRunner): the caller's context bounded the wait
// for a worker, not the job. On failure the worker has been dealt with
// (reused after a soft error, retired, or killed) and r is unusable. now
// is the job's start (the caller has just read the clock).
func (w *worker) exchange(pl *Payload, r *Response, now time.Time) error {
	ctx := context.Background()
	if w.after != nil && w.rd.Buffered() == 0 {
		// The job goes out inside the read of its reply (relay.go's
		// afterRead), after sendAfter has made sure the relay is empty.
		w.begin(pl, now)
		stop := w.arm(ctx, now)
		// A copy: keeping pl itself would move every Exec's Payload to
		// the heap.
		w.job, w.jobSent, w.jobErr = *pl, false, nil
		w.after.first = w.sendFirst
		err := w.readReply()
		w.after.first, w.job = nil, Payload{}
		if w.jobSent {
			return w.settle(ctx, r, stop, w.jobErr, err)
		}
		// Nothing was sent: the worker wrote something while it was idle,
		// or its relay cannot be read. The long way deals with both.
	}
	if err := w.syncIdle(); err != nil {
		// Out of step with the server: nothing ran, the job goes elsewhere.
		w.p.kill(w, StateErrored)
		return errRetry
	}
	w.begin(pl, now)
	stop := w.arm(ctx, now)
	err := w.send(pl)
	var readErr error
	if err == nil {
		readErr = w.readReply()
	}
	return w.settle(ctx, r, stop, err, readErr)
}

// begin marks w busy with pl from now on.
func (w *worker) begin(pl *Payload, now time.Time) {
	w.streamBody = pl.StreamBody
	w.state.Store(int64(StateWorking))
	w.jobStart.Store(now.UnixNano())
	if has := pl.Tag != (Tag{}); has || w.tagged {
		// Only jobs with a tag, or right after one, pay for the lock.
		w.setTag(pl.Tag)
		w.tagged = has
	}
}

// sendAfter is afterRead's first step, run inside the read of the reply:
// unless the worker wrote something while it was idle (the long way reads
// that first), it sends the job and tells the read to wait for the answer
// rather than try a read that would find nothing.
func (w *worker) sendAfter(fd uintptr) (bool, error) {
	if pollIn(fd) {
		return false, errLate
	}
	w.jobSent = true
	if err := w.send(&w.job); err != nil {
		w.jobErr = err
		return false, err
	}
	return true, nil
}

// settle ends an exchange: the job went out with sendErr, and the reply's
// first frame was read with readErr.
func (w *worker) settle(ctx context.Context, r *Response, stop func() bool, sendErr, readErr error) error {
	w.execs.Add(1)
	if sendErr != nil {
		w.disarm(stop, false)
		if !errors.Is(sendErr, os.ErrDeadlineExceeded) {
			// The worker was gone before it could read the job: nothing ran.
			w.p.kill(w, StateErrored)
			return errRetry
		}
		return w.fail(ctx, "exec", sendErr)
	}
	err := w.check(ctx, r, true, readErr)
	if err == nil || isSoft(err) {
		w.disarm(stop, true)
		if err != nil {
			w.p.recycle(w)
		}
		return err
	}
	w.disarm(stop, false)
	return err
}

// send writes pl as one data frame: one option (the context length),
// payload = context ‖ body (PROTOCOL.md 2.4).
func (w *worker) send(pl *Payload) error {
	w.opt[0] = uint32(len(pl.Context))
	var err error
	if len(pl.Body) <= splitWrite {
		w.wbuf, err = wire.AppendFrame(w.wbuf[:0], pl.Codec, 0, w.opt[:], pl.Context, pl.Body)
		if err != nil {
			return err
		}
		_, err = w.rl.Write(w.wbuf)
		return err
	}
	w.wbuf, err = wire.AppendHeader(w.wbuf[:0], pl.Codec, 0, len(pl.Context)+len(pl.Body), w.opt[:]...)
	if err != nil {
		return err
	}
	w.wbuf = append(w.wbuf, pl.Context...)
	if _, err = w.rl.Write(w.wbuf); err != nil {
		return err
	}
	if cap(w.wbuf) > splitWrite {
		w.wbuf = nil // a huge context should not stay with the worker
	}
	_, err = w.rl.Write(pl.Body)
	return err
}

// read reads one response frame into r. PING is answered with PONG at once.
// first marks the reply to a job (where a restart request may come).
func (w *worker) read(ctx context.Context, r *Response, first bool) error {
	return w.check(ctx, r, first, w.readReply())
}

// check takes the frame read into w.fr with err, as read describes.
func (w *worker) check(ctx context.Context, r *Response, first bool, err error) error {
	if err != nil {
		return w.fail(ctx, r.op(), err)
	}
	f := &w.fr
	if f.Byte10&wire.Ping != 0 {
		if _, err := w.rl.Write(framePong); err != nil {
			return w.fail(ctx, r.op(), err)
		}
	}
	if f.Flags&wire.Error != 0 {
		// Soft error: checked before the option count, since error frames
		// carry no options (PROTOCOL.md 2.5, 8.3).
		return &SoftError{PID: w.pid, Message: string(f.Payload)}
	}
	if f.Flags&wire.Control != 0 || f.NumOptions != 1 || int(f.Options[0]) > len(f.Payload) {
		return w.fail(ctx, r.op(), fmt.Errorf("protocol violation: flags %#x, %d options, option 0 = %d, payload %d bytes",
			f.Flags, f.NumOptions, f.Options[0], len(f.Payload)))
	}
	n := f.Options[0]
	r.Context, r.Body, r.Flags = f.Payload[:n], f.Payload[n:], f.Flags
	r.more = f.Byte10&wire.Stream != 0
	if first && !r.more && len(r.Body) == 0 && string(r.Context) == stopRequest {
		// Worker-initiated restart (2.7): not an answer. The job goes to
		// another worker.
		w.p.retire(w, StateInvalid)
		return errRetry
	}
	return nil
}

func isSoft(err error) bool {
	_, ok := err.(*SoftError)
	return ok
}

// fail kills w after a broken exchange and describes the failure.
func (w *worker) fail(ctx context.Context, op string, err error) error {
	st, cause := StateErrored, err
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() != nil:
		cause = ctx.Err()
	case errors.Is(err, os.ErrDeadlineExceeded):
		st, cause = StateExecTTLReached, ErrExecTTL
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, os.ErrClosed):
		// The process died: give its last words a moment to arrive.
		w.proc.waitFor(200 * time.Millisecond)
		cause = fmt.Errorf("%w (%s)", ErrWorkerCrashed, w.exitNote())
	default:
		cause = fmt.Errorf("%w: %v", ErrWorkerCrashed, err)
	}
	w.p.kill(w, st)
	w.proc.out.flush()
	if path := w.proc.out.scriptNotFound(); path != "" {
		cause = w.p.scriptNotFound(path)
	}
	return &WorkerError{PID: w.pid, Op: op, Err: cause, Output: w.proc.out.lastLines()}
}

func (w *worker) exitNote() string {
	if w.proc.exited() {
		return w.proc.exitReason()
	}
	return "relay closed"
}

// arm bounds the exchange: exec_ttl through relay deadlines, ctx through a
// context.AfterFunc that moves those deadlines into the past. No goroutine
// runs unless ctx actually ends.
func (w *worker) arm(ctx context.Context, now time.Time) func() bool {
	if ttl := w.p.cfg.Pool.Supervisor.ExecTTL; ttl > 0 && !w.noTTL {
		d := now.Add(ttl)
		_ = w.rl.SetReadDeadline(d)
		_ = w.rl.SetWriteDeadline(d)
	}
	if ctx.Done() == nil {
		return nil
	}
	return context.AfterFunc(ctx, w.onCancel)
}

// disarm undoes arm. If the cancel callback already ran, it waits for it and
// clears the deadlines it set so that a reused worker starts clean.
func (w *worker) disarm(stop func() bool, reuse bool) {
	if stop == nil || stop() {
		return
	}
	<-w.cancelDone
	if reuse {
		_ = w.rl.SetReadDeadline(time.Time{})
		_ = w.rl.SetWriteDeadline(time.Time{})
	}
}

// cancelExchange is the AfterFunc callback: it makes the pending read or
// write return at once.
func (w *worker) cancelExchange() {
	past := time.Unix(1, 0)
	_ = w.rl.SetReadDeadline(past)
	_ = w.rl.SetWriteDeadline(past)
	w.cancelDone <- struct{}{}
}
