package engine

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// errPoolClosing answers Reloads interrupted by Close.
var errPoolClosing = fmt.Errorf("engine: reload: %w", ErrPoolClosed)

// Reload replaces every worker with a new generation without failing a job:
// new workers start first, and only when all of them are ready does the pool
// switch over; then idle old workers stop and busy ones stop when released
// (killed after reset_timeout). If the new generation cannot boot, the old
// one keeps serving and the boot error is returned. Reload returns when the
// old generation is gone, or when ctx ends (the reload itself continues).
//
// reason says why, in a few words for people ("1 file changed: src/x.php",
// "key r", "rpc", "SIGUSR2"); it comes back on the reload's events
// (EventReloadStarted, Done, Failed), so an observer learns the cause from
// the event itself. Reloads asked for while one runs are merged into the
// next one, which carries the first of their reasons.
func (p *Pool) Reload(ctx context.Context, reason string) error {
	if p.closed.Load() {
		return ErrPoolClosed
	}
	if p.cfg.Pool.Debug || p.debug.Load() != nil {
		// Every job gets a fresh worker anyway.
		return nil
	}
	return p.reload(ctx, reason)
}

func (p *Pool) reload(ctx context.Context, reason string) error {
	reply := make(chan error, 1)
	if !p.send(command{kind: cmdReload, reply: reply, reason: reason}) {
		return ErrPoolClosed
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return fmt.Errorf("engine: reload: %w", ctx.Err())
	}
}

// ResetWorker gracefully replaces the worker with the given PID: at once if
// it is idle, when its job ends if it is busy. ErrNoSuchWorker if the pool
// has no such worker.
func (p *Pool) ResetWorker(ctx context.Context, pid int) error {
	reply := make(chan error, 1)
	if p.closed.Load() || !p.send(command{kind: cmdReset, pid: pid, reply: reply}) {
		return ErrPoolClosed
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *supervisor) startReload(reply chan error, reason string) {
	if s.closing {
		reply <- errPoolClosing
		return
	}
	if s.reload != nil {
		if len(s.queued) == 0 {
			s.queuedWhy = reason
		}
		s.queued = append(s.queued, reply)
		return
	}
	s.last++
	s.reload = &reloadOp{gen: s.last, replies: []chan error{reply}, started: time.Now(), reason: reason}
	if s.gen != 0 {
		s.p.publish(Event{Kind: EventReloadStarted, Generation: s.last, Reason: reason})
	}
	// New code deserves an immediate try, whatever the back-off says.
	s.retryAt = time.Time{}
	s.failures = 0
	s.maintain()
}

// swap makes the staged generation the serving one.
func (s *supervisor) swap() {
	op := s.reload
	s.reload = nil
	first := s.gen == 0
	s.gen = op.gen
	s.p.gen.Store(op.gen)
	s.extra = 0 // a new generation starts at num_workers (dynamic.go)
	for _, w := range op.staged {
		s.offer(w)
	}
	for _, w := range s.takeIdle() {
		if w.gen != s.gen {
			s.p.startRetire(w, StateStopping)
		} else {
			s.offer(w)
		}
	}
	if !first {
		s.p.publish(Event{Kind: EventReloadDone, Generation: op.gen, Count: len(op.staged), Duration: time.Since(op.started), Reason: op.reason})
	}
	s.snapshot() // before any reply: New and Reload callers read Stats next
	s.drain = append(s.drain, op.replies...)
	s.drainBy = time.Now().Add(s.p.cfg.Pool.ResetTimeout)
	s.checkDrained()
	s.nextReload()
}

// finishReload abandons the generation being booted; the serving one stays.
func (s *supervisor) finishReload(err error) {
	op := s.reload
	s.reload = nil
	for _, w := range op.staged {
		s.p.startRetire(w, StateStopping)
	}
	if s.gen != 0 && !errors.Is(err, ErrPoolClosed) {
		s.p.publish(Event{Kind: EventReloadFailed, Generation: op.gen, Message: err.Error(), Reason: op.reason})
	}
	prefix := "engine: reload: %w"
	if s.gen == 0 {
		prefix = "engine: start: %w"
	}
	for _, ch := range op.replies {
		ch <- fmt.Errorf(prefix, err)
	}
	s.nextReload()
}

func (s *supervisor) nextReload() {
	if len(s.queued) == 0 || s.closing {
		return
	}
	q, why := s.queued, s.queuedWhy
	s.queued, s.queuedWhy = nil, ""
	s.startReload(q[0], why)
	s.reload.replies = append(s.reload.replies, q[1:]...)
}

// checkDrained answers the Reloads waiting for the old generation once it
// has left.
func (s *supervisor) checkDrained() {
	if len(s.drain) == 0 {
		return
	}
	for _, w := range s.table {
		if w.gen != s.gen && (s.reload == nil || w.gen != s.reload.gen) {
			return
		}
	}
	for _, ch := range s.drain {
		ch <- nil
	}
	s.drain = nil
	s.drainBy = time.Time{}
}

func (s *supervisor) resetWorker(pid int) error {
	var target *worker
	for _, w := range s.table {
		if w.pid == pid && !w.retiring.Load() {
			target = w
		}
	}
	if target == nil {
		return fmt.Errorf("%w: %d", ErrNoSuchWorker, pid)
	}
	target.retireAs.Store(int64(StateStopping))
	for _, w := range s.takeIdle() {
		if w == target {
			s.p.startRetire(w, StateStopping)
		} else {
			s.offer(w)
		}
	}
	s.maintain()
	s.snapshot()
	return nil
}
