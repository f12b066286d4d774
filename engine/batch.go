package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// batchBytes bounds what one batch writes: well under a pipe's 64 KiB, so
// the write never waits for PHP to read (while PHP, its replies unread,
// might be waiting for phprun).
const batchBytes = 32 << 10

// BatchReply is one job's answer in ExecBatch. Context and Body alias the
// worker's read buffer: they are valid only during the callback.
type BatchReply struct {
	Context []byte
	Body    []byte
	PID     int
	// Took is the job's time: from the write (for the first job), or
	// from the end of the callback for the job before, to its reply. The
	// callback's own time (a driver's ack) is not the job's.
	Took time.Duration
}

// ErrStreamedReply: a job of a batch was answered with a stream, which a
// batch cannot follow; the worker is stopped.
var ErrStreamedReply = errors.New("engine: the worker streamed its reply to a batched job")

// ExecBatch writes several jobs to one worker at once and reads their
// replies in order, calling each for every job it ran, in order, with
// its reply or its failure (a *SoftError from PHP's error(), a
// *WorkerError when the worker died, hung past exec_ttl or broke the
// protocol, or ErrStreamedReply). It returns how many jobs it reported:
// the jobs from there on were not run (the worker died or asked to be
// restarted before them, or reached max_jobs), and the caller runs them
// another way. err is set, and ran is 0, only when no worker could be had
// (ctx ended, allocate_timeout, the pool is closed).
//
// Why: a worker exchange costs each side a wake-up through the kernel,
// and on virtual machines that wake-up is most of the Go CPU a short job
// costs (docs/benchmarks.md). With several jobs in its pipe, PHP reads
// the next one without sleeping, and phprun reads several replies per
// wake-up. The price is that the jobs after the first wait behind it on
// this worker, which is why the jobs plugin batches only short jobs and
// only under backlog (jobs/batch.go).
//
// exec_ttl bounds each job from the moment the one before it answered
// (from the write, for the first). A batch writes at most 32 KiB (the
// jobs beyond are not run), except a first job that is larger by itself.
// ctx bounds the wait for a worker only, as in Exec.
func (p *Pool) ExecBatch(ctx context.Context, pls []Payload, each func(i int, r BatchReply, err error)) (ran int, err error) {
	if len(pls) == 0 {
		return 0, nil
	}
	for i := range pls {
		pl := &pls[i]
		if len(pl.Context) == 0 && len(pl.Body) == 0 {
			return 0, ErrEmptyPayload
		}
		if uint64(len(pl.Context))+uint64(len(pl.Body)) > maxFrame {
			return 0, fmt.Errorf("engine: payload of %d bytes: %w", len(pl.Context)+len(pl.Body), wire.ErrTooLarge)
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("engine: exec: %w", err)
	}
	p.active.Add(1)
	defer p.active.Add(-1)
	if p.closed.Load() {
		return 0, ErrPoolClosed
	}
	start := time.Now()
	for attempt := 0; ; attempt++ {
		since := start
		if attempt > 0 {
			since = time.Now()
		}
		w, _, err := p.acquire(ctx, since)
		if err != nil {
			p.errs.Add(1)
			return 0, err
		}
		if err := w.syncIdle(); err != nil {
			// Out of step with the server: nothing ran, try another.
			p.kill(w, StateErrored)
			if attempt < maxStopRetries {
				continue
			}
			return 0, nil
		}
		return w.batch(pls, each), nil
	}
}

// batch runs pls on w (held by the caller) as ExecBatch describes and
// gives w back unless it failed.
func (w *worker) batch(pls []Payload, each func(int, BatchReply, error)) int {
	p := w.p
	n := len(pls)
	if w.maxJobs > 0 {
		n = int(min(uint64(n), max(w.maxJobs-min(w.execs.Load(), w.maxJobs), 1)))
	}
	w.streamBody = false
	w.wbuf = w.wbuf[:0]
	var err error
	for i := range n {
		pl := &pls[i]
		if len(pl.Body) > splitWrite {
			n = max(i, 1)
			break
		}
		if i > 0 && len(w.wbuf)+len(pl.Context)+len(pl.Body) > batchBytes {
			n = i
			break
		}
		w.opt[0] = uint32(len(pl.Context))
		if w.wbuf, err = wire.AppendFrame(w.wbuf, pl.Codec, 0, w.opt[:], pl.Context, pl.Body); err != nil {
			// Only an oversized frame fails here, and those were refused.
			if i == 0 {
				p.recycle(w)
				return 0
			}
			n = i
			break
		}
	}
	ttl := p.cfg.Pool.Supervisor.ExecTTL
	if w.noTTL {
		ttl = 0
	}
	now := time.Now()
	w.begin(&pls[0], now)
	if ttl > 0 {
		_ = w.rl.SetWriteDeadline(now.Add(ttl))
	}
	if n == 1 && len(pls[0].Body) > splitWrite {
		err = w.send(&pls[0])
	} else {
		_, err = w.rl.Write(w.wbuf)
	}
	if cap(w.wbuf) > splitWrite {
		w.wbuf = nil // a large batch should not stay with the worker
	}
	if err != nil {
		// Whether PHP read any of it is unknown; no reply came, so none
		// is reported as run (at-least-once: the caller runs them again).
		p.kill(w, StateErrored)
		return 0
	}
	var r Response
	// mark is where job i's time starts: the write for the first job,
	// then the end of each's call for the job before (PHP ran job i
	// while each ran; a reply already there by then makes a short time,
	// which only errs on the side of batching the caller's fast jobs).
	mark := now
	for i := range n {
		if i > 0 {
			w.begin(&pls[i], now)
			mark = time.Now()
		}
		if ttl > 0 {
			_ = w.rl.SetReadDeadline(now.Add(ttl))
		}
		rerr := w.readReply()
		now = time.Now() // job i+1 began when job i answered: its exec_ttl counts from here
		took := now.Sub(mark)
		err := w.check(context.Background(), &r, true, rerr)
		if errors.Is(err, errRetry) {
			// A restart request instead of a reply: the worker has been
			// retired and ran none of the rest.
			return i
		}
		w.execs.Add(1)
		switch {
		case err == nil && r.more:
			p.kill(w, StateErrored)
			each(i, BatchReply{PID: w.pid, Took: took}, ErrStreamedReply)
			return i + 1
		case err == nil:
			p.execs.Add(1)
			each(i, BatchReply{Context: r.Context, Body: r.Body, PID: w.pid, Took: took}, nil)
		case isSoft(err):
			p.execs.Add(1)
			each(i, BatchReply{PID: w.pid, Took: took}, err)
		default:
			p.errs.Add(1)
			each(i, BatchReply{PID: w.pid, Took: took}, err)
			return i + 1
		}
	}
	p.recycle(w)
	return n
}
