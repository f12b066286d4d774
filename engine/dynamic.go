package engine

import "time"

// The dynamic allocator (pool.dynamic_allocator): while jobs wait for a
// worker the supervisor raises its target by spawn_rate, up to
// max_workers above num_workers; extra workers idle for idle_timeout are
// retired until the pool is back at num_workers. A reload starts the new
// generation at num_workers.

// askGrow tells the supervisor that a job is waiting for a worker. It
// never blocks: when the command channel is full the supervisor is busy
// enough, and the next waiting job asks again.
func (p *Pool) askGrow() {
	if p.cfg.Pool.DynamicAllocator == nil {
		return
	}
	select {
	case p.cmds <- command{kind: cmdGrow}:
	default:
	}
}

// grow raises the extra target by spawn_rate while no extra spawn is in
// flight, so one burst of waiting jobs does not start max_workers at once.
func (s *supervisor) grow() {
	d := s.p.cfg.Pool.DynamicAllocator
	if d == nil || s.closing || s.reload != nil || s.gen == 0 || s.pending[s.gen] > 0 {
		return
	}
	maxWorkers, rate, _ := d.limits()
	if s.extra >= maxWorkers {
		return
	}
	s.extra = min(s.extra+rate, maxWorkers)
	s.maintain()
}

// dynamicTick runs on every supervisor tick: jobs still waiting ask for
// more workers (the burst that asked first may be larger than spawn_rate),
// otherwise idle extra workers may go.
func (s *supervisor) dynamicTick(now time.Time) {
	if s.p.cfg.Pool.DynamicAllocator == nil {
		return
	}
	if s.p.queued.Load() > 0 {
		s.grow()
		return
	}
	s.shrink(now)
}

// shrink retires idle extra workers once idle_timeout has passed since
// their last job (or their start, if they never had one).
func (s *supervisor) shrink(now time.Time) {
	d := s.p.cfg.Pool.DynamicAllocator
	if s.extra == 0 || s.reload != nil {
		return
	}
	_, _, idle := d.limits()
	excess := s.live(s.gen) - s.target
	if excess <= 0 {
		if s.pending[s.gen] == 0 {
			s.extra = 0
		}
		return
	}
	retired := false
	for _, w := range s.takeIdle() {
		last := w.lastUsed.Load()
		since := w.created
		if last != 0 {
			since = time.Unix(0, last)
		}
		if excess > 0 && w.gen == s.gen && now.Sub(since) >= idle && s.p.startRetire(w, StateIdleTTLReached) {
			excess--
			s.extra--
			retired = true
			continue
		}
		s.offer(w)
	}
	if retired {
		s.snapshot()
	}
}
