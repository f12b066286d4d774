package engine

import "time"

// checkLimits applies the soft limits (ttl, idle_ttl, max_worker_memory)
// once per watch_tick, on the figures sampleAll took just before. A limit reached by a busy worker is recorded in
// retireAs and applied when its job ends (recycle); idle workers are taken
// out of the idle channel and stopped now.
func (s *supervisor) checkLimits(now time.Time) {
	sc := s.p.cfg.Pool.Supervisor
	memLimit := sc.MaxWorkerMemory << 20
	candidates := false
	for _, w := range s.table {
		if w.retiring.Load() {
			continue
		}
		switch {
		case sc.TTL > 0 && now.Sub(w.created) >= sc.TTL:
			w.retireAs.CompareAndSwap(0, int64(StateTTLReached))
		case memLimit > 0 && w.lastRSS() > memLimit:
			w.retireAs.CompareAndSwap(0, int64(StateMaxMemoryReached))
		}
		if w.retireAs.Load() != 0 || s.idleTooLong(w, now) {
			candidates = true
		}
	}
	if !candidates {
		return
	}
	retired := false
	for _, w := range s.takeIdle() {
		switch st := State(w.retireAs.Load()); {
		case st != 0:
			retired = s.p.startRetire(w, st) || retired
		case s.idleTooLong(w, now):
			retired = s.p.startRetire(w, StateIdleTTLReached) || retired
		default:
			s.offer(w)
		}
	}
	if retired {
		s.maintain()
		s.snapshot()
	}
}

// idleTooLong: idle_ttl counts from the last job; a worker never used is
// left alone, as RoadRunner does.
func (s *supervisor) idleTooLong(w *worker, now time.Time) bool {
	idle := s.p.cfg.Pool.Supervisor.IdleTTL
	last := w.lastUsed.Load()
	return idle > 0 && last != 0 && State(w.state.Load()) == StateReady && now.Sub(time.Unix(0, last)) >= idle
}
