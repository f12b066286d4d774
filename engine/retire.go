package engine

import (
	"time"
)

// Retirement: how a worker leaves the pool. A graceful stop (limits,
// reload, worker-initiated restart, shutdown) sends the stop frame and
// escalates to SIGTERM and SIGKILL; a kill (exec_ttl, crash, protocol
// error, cancelled job) is immediate. Either way the worker stops counting
// toward the pool size at once, so the supervisor can start its
// replacement while the old process winds down.

// markRetiring flags w as leaving and records the state that says why. It
// returns false if w was already leaving.
func (w *worker) markRetiring(st State) bool {
	if !w.retiring.CompareAndSwap(false, true) {
		return false
	}
	w.state.Store(int64(st))
	return true
}

// stopGracefully sends the stop frame and waits (up to grace, then SIGTERM,
// then SIGKILL) for the process to exit. The caller must own w: nobody else
// may be using its relay.
func (w *worker) stopGracefully(st State, grace time.Duration) {
	w.state.Store(int64(st))
	_ = w.rl.SetWriteDeadline(time.Now().Add(time.Second))
	if _, err := w.rl.Write(frameStop); err != nil {
		w.proc.kill()
	}
	w.proc.escalate(grace)
	w.closeRelay()
}

// limitReason names the limit behind a state, for EventLimitReached.
func limitReason(st State) string {
	switch st {
	case StateMaxJobsReached:
		return "max_jobs"
	case StateTTLReached:
		return "ttl"
	case StateIdleTTLReached:
		return "idle_ttl"
	case StateMaxMemoryReached:
		return "max_worker_memory"
	case StateExecTTLReached:
		return "exec_ttl"
	}
	return ""
}

// startRetire stops an owned worker gracefully in the background and
// reports a limit if st is one.
func (p *Pool) startRetire(w *worker, st State) bool {
	if !w.markRetiring(st) {
		return false
	}
	if r := limitReason(st); r != "" {
		p.publish(Event{Kind: EventLimitReached, PID: w.pid, Generation: w.gen, Reason: r})
	}
	go w.stopGracefully(st, gracefulStop)
	return true
}

// retire is startRetire for job holders: it also tells the supervisor, so
// that a replacement starts right away.
func (p *Pool) retire(w *worker, st State) {
	if p.startRetire(w, st) {
		p.send(command{kind: cmdRetired, w: w})
	}
}

// kill ends a worker the caller holds at once and tells the supervisor.
func (p *Pool) kill(w *worker, st State) {
	first := w.markRetiring(st)
	w.state.Store(int64(st))
	w.proc.kill()
	w.closeRelay()
	if first {
		if r := limitReason(st); r != "" {
			p.publish(Event{Kind: EventLimitReached, PID: w.pid, Generation: w.gen, Reason: r})
		}
		p.send(command{kind: cmdRetired, w: w})
	}
}

// recycle is where a worker goes after a job: back to the idle channel, or
// into retirement when a limit, a reload or its own exit says so.
func (p *Pool) recycle(w *worker) {
	w.jobStart.Store(0)
	switch {
	case w.retiring.Load():
		// Already leaving (killed mid-job, or asked to stop).
	case w.proc.exited():
		w.markRetiring(StateErrored)
		w.closeRelay()
	case w.gen != p.gen.Load():
		p.retire(w, StateStopping)
	case w.maxJobs > 0 && w.execs.Load() >= w.maxJobs:
		p.retire(w, StateMaxJobsReached)
	case w.retireAs.Load() != 0:
		p.retire(w, State(w.retireAs.Load()))
	case p.debug.Load() != nil && p.queued.Load() == 0:
		// Debug mode was switched on (debugmode.go): a worker from before
		// serves the jobs that were already queued, then stops.
		p.retire(w, StateStopping)
	default:
		if p.cfg.Pool.Supervisor.IdleTTL > 0 {
			// Only idle_ttl reads it; a clock read per job is worth
			// saving on the hot path (~150 ns on this project's VM).
			w.lastUsed.Store(time.Now().UnixNano())
		}
		w.state.Store(int64(StateReady))
		if !p.putIdle(w) {
			p.retire(w, StateInvalid) // cannot happen: the channel holds every worker
		}
	}
}
