package engine

import (
	"errors"
	"runtime"
	"time"
)

// Boot back-off: consecutive boot failures wait backoffMin, doubling up to
// backoffMax, before the next attempt.
const (
	backoffMin = 100 * time.Millisecond
	backoffMax = 10 * time.Second
)

type cmdKind uint8

const (
	cmdSpawned cmdKind = iota + 1 // a spawn finished (w or err)
	cmdExited                     // a process exited (proc)
	cmdRetired                    // a holder retired or killed w
	cmdAdopt                      // a debug-mode worker to track (w)
	cmdReload                     // start a new generation (reply)
	cmdReset                      // replace one worker (pid, reply)
	cmdClose                      // stop spawning, hand over the table (list)
	cmdGrow                       // a job waits: the dynamic allocator may add workers (dynamic.go)
	cmdDebug                      // switch the run-time debug mode (debug, reply; debugmode.go)
)

// command is a message to the supervisor. It is passed by value.
type command struct {
	kind   cmdKind
	w      *worker
	proc   *process
	gen    uint64
	err    error
	pid    int
	reply  chan error
	list   chan []*worker
	debug  *debugMode
	reason string // why a reload was asked for (cmdReload)
}

// supervisor owns the worker table and every decision about spawning. All
// its fields are owned by its goroutine (run).
type supervisor struct {
	p      *Pool
	target int
	extra  int // workers added by the dynamic allocator above target (dynamic.go)
	table  map[*process]*worker
	gen    uint64 // serving generation; 0 until the first one booted
	last   uint64 // highest generation ever started

	pending   map[uint64]int // spawns in flight, by generation
	failures  int            // consecutive boot failures
	retryAt   time.Time      // no spawn before this (back-off)
	reload    *reloadOp      // generation being booted, if any
	queued    []chan error   // Reloads asked for while one runs
	queuedWhy string         // the first queued Reload's reason
	drain     []chan error   // Reloads waiting for the old generation to leave
	drainBy   time.Time      // when busy old workers get killed
	closing   bool
	lastTick  time.Time

	proc       readProcFunc // the one reader of worker figures: Pool.readProc
	lastSample time.Time    // when sampleAll last ran
	inflight   int          // spawns in flight, all generations: at most spawnLimit
	spawnLimit int          // see spawnLimit()
}

// reloadOp is one generation being started.
type reloadOp struct {
	gen     uint64
	staged  []*worker // booted, held back until the whole generation is up
	replies []chan error
	started time.Time
	reason  string // the Reload's reason, repeated on its events
}

func newSupervisor(p *Pool, target int) *supervisor {
	s := &supervisor{p: p, target: target, table: map[*process]*worker{}, pending: map[uint64]int{},
		spawnLimit: spawnLimit(), proc: p.readProc}
	if target == 0 {
		// Debug mode: nothing to boot; workers spawned per job serve
		// generation 1.
		s.gen, s.last = 1, 1
		p.gen.Store(1)
	}
	return s
}

// tickEvery is how often the supervisor looks at back-off, drains and
// limits: watch_tick, but at least every 100ms for the housekeeping.
func (s *supervisor) tickEvery() time.Duration {
	d := 100 * time.Millisecond
	if wt := s.p.cfg.Pool.Supervisor.WatchTick; wt > 0 && wt < d {
		d = wt
	}
	return d
}

func (s *supervisor) run() {
	defer close(s.p.supDone)
	t := time.NewTicker(s.tickEvery())
	defer t.Stop()
	for {
		select {
		case c := <-s.p.cmds:
			s.handle(c)
		case now := <-t.C:
			s.tick(now)
		case <-s.p.supQuit:
			for {
				select {
				case c := <-s.p.cmds:
					s.handle(c)
				default:
					return
				}
			}
		}
	}
}

func (s *supervisor) handle(c command) {
	switch c.kind {
	case cmdSpawned:
		s.spawned(c.w, c.gen, c.err)
	case cmdExited:
		s.exited(c.proc)
	case cmdRetired:
		s.maintain()
		s.snapshot()
	case cmdAdopt:
		if s.closing {
			c.w.proc.kill()
			c.w.closeRelay()
			return
		}
		s.table[c.w.proc] = c.w
		s.sample(c.w, time.Now())
		s.snapshot()
	case cmdReload:
		s.startReload(c.reply, c.reason)
	case cmdGrow:
		s.grow()
	case cmdDebug:
		c.reply <- s.setDebug(c.debug)
	case cmdReset:
		if s.closing {
			c.reply <- ErrPoolClosed
			return
		}
		c.reply <- s.resetWorker(c.pid)
	case cmdClose:
		s.closing = true
		if s.reload != nil {
			s.finishReload(errPoolClosing)
		}
		for _, ch := range append(s.queued, s.drain...) {
			ch <- errPoolClosing
		}
		s.queued, s.drain = nil, nil
		ws := make([]*worker, 0, len(s.table))
		for _, w := range s.table {
			ws = append(ws, w)
		}
		c.list <- ws
	}
}

// spawn starts one worker of generation gen in the background.
func (s *supervisor) spawn(gen uint64) {
	s.pending[gen]++
	s.inflight++
	p := s.p
	p.spawns.Add(1)
	go func() {
		defer p.spawns.Done()
		w, err := p.spawnWorker(gen)
		if !p.send(command{kind: cmdSpawned, w: w, gen: gen, err: err}) && w != nil {
			w.proc.kill()
			w.closeRelay()
		}
	}()
}

func (s *supervisor) spawned(w *worker, gen uint64, err error) {
	s.pending[gen]--
	s.inflight--
	if s.pending[gen] <= 0 {
		delete(s.pending, gen)
	}
	if err == nil && w.proc.exited() {
		err = w.bootError(errExitedEarly)
	}
	if s.closing {
		if w != nil {
			w.proc.kill()
			w.closeRelay()
		}
		return
	}
	if err != nil {
		if gen == s.gen || (s.reload != nil && gen == s.reload.gen) {
			s.bootFailed(gen, err)
		} // else: a generation already given up; its failure says nothing now
		return
	}
	s.failures = 0
	s.p.bootErr.Store(nil)
	s.table[w.proc] = w
	s.sample(w, time.Now())
	w.state.Store(int64(StateReady))
	s.p.publish(Event{Kind: EventWorkerReady, PID: w.pid, Generation: gen})
	switch {
	case s.reload != nil && gen == s.reload.gen:
		s.reload.staged = append(s.reload.staged, w)
		if len(s.reload.staged) >= s.target || (s.gen == 0 && s.p.cfg.ServeFirst) {
			// A reload switches over once the whole new generation is
			// up; the first generation, with ServeFirst, at its first
			// worker: there is no older one to keep serving meanwhile.
			s.swap()
		}
	case gen == s.gen:
		s.offer(w)
	default:
		s.p.startRetire(w, StateStopping) // its reload failed meanwhile
	}
	s.maintain()
	s.snapshot()
}

// offer hands an owned ready worker to a waiting Exec or the idle channel.
func (s *supervisor) offer(w *worker) {
	if s.p.debug.Load() != nil && s.p.queued.Load() == 0 {
		// Debug mode (debugmode.go): a worker that finished booting after
		// the switch serves no one; each job gets a fresh worker of its own.
		s.p.startRetire(w, StateStopping)
		return
	}
	if !s.p.putIdle(w) {
		s.p.startRetire(w, StateInvalid)
	}
}

func (s *supervisor) bootFailed(gen uint64, err error) {
	s.failures++
	d := backoffMin << min(s.failures-1, 10)
	s.retryAt = time.Now().Add(min(d, backoffMax))
	msg := err.Error()
	s.p.bootErr.Store(&msg)
	var pid int // the worker that failed, for logs and the dashboard
	if we := (*WorkerError)(nil); errors.As(err, &we) {
		pid = we.PID
	}
	s.p.publish(Event{Kind: EventBootFailed, PID: pid, Generation: gen, Message: msg, Count: s.failures})
	if s.reload != nil && gen == s.reload.gen {
		s.finishReload(err)
		return
	}
	s.maintain()
}

func (s *supervisor) exited(proc *process) {
	w := s.table[proc]
	if w == nil {
		return
	}
	delete(s.table, proc)
	reason := proc.exitReason()
	if w.retiring.Load() {
		reason = State(w.state.Load()).String() + ", " + reason
	} else {
		// Nobody asked it to go: a crash or an exit of its own.
		if tail := proc.out.lastLines(); tail != "" {
			reason += ": " + lastLine(tail)
		}
		w.markRetiring(StateErrored)
		// If it died idle, take it out of the idle channel now rather than
		// letting the next job find it.
		for _, x := range s.takeIdle() {
			if x == w {
				x.closeRelay()
				continue
			}
			s.offer(x)
		}
	}
	if w.gen == s.gen && !s.closing {
		s.p.restarts.Add(1) // replaced, not retired by a reload
	}
	w.state.Store(int64(StateStopped))
	s.p.publish(Event{Kind: EventWorkerStopped, PID: w.pid, Generation: w.gen, Reason: reason})
	if s.reload != nil {
		for i, x := range s.reload.staged {
			if x == w {
				s.reload.staged = append(s.reload.staged[:i], s.reload.staged[i+1:]...)
				break
			}
		}
	}
	s.maintain()
	s.snapshot()
	s.checkDrained() // after the snapshot: a Reload caller reads Stats next
}

// live counts workers of generation gen that still serve.
func (s *supervisor) live(gen uint64) int {
	n := 0
	for _, w := range s.table {
		if w.gen == gen && !w.retiring.Load() {
			n++
		}
	}
	return n
}

// maintain spawns what the target generation lacks, unless backing off.
func (s *supervisor) maintain() {
	if s.closing {
		return
	}
	g, have := s.gen, 0
	if s.reload != nil {
		g, have = s.reload.gen, len(s.reload.staged)
	} else if g == 0 {
		return
	} else {
		have = s.live(g)
	}
	need := s.target - have - s.pending[g]
	if s.reload == nil {
		need += s.extra
	}
	if need <= 0 || time.Now().Before(s.retryAt) {
		return
	}
	if s.failures > 0 {
		// Probe with one worker at a time while the boot keeps failing.
		if s.pending[g] > 0 {
			return
		}
		need = 1
	}
	for range min(need, s.spawnLimit-s.inflight) {
		s.spawn(g)
	}
}

// spawnLimit bounds the spawns in flight. A PHP start is CPU work: with
// every worker of a large pool booting at once on a few cores, all of
// them become ready together, late; with one boot per core the first
// ones are ready after one boot's time, and the rest follow. The same
// holds for a reload while the old generation serves: it keeps some CPU.
func spawnLimit() int { return max(2, runtime.NumCPU()) }

// snapshot publishes a copy of the table for Stats.
func (s *supervisor) snapshot() {
	ws := make([]*worker, 0, len(s.table))
	for _, w := range s.table {
		ws = append(ws, w)
	}
	s.p.workers.Store(&ws)
	s.p.serving.Store(int64(s.live(s.gen)))
}

func (s *supervisor) tick(now time.Time) {
	if s.closing {
		return // Close owns the idle channel now
	}
	s.maintain()
	if len(s.drain) > 0 && !s.drainBy.IsZero() && now.After(s.drainBy) {
		// reset_timeout passed: old workers still busy are killed.
		for _, w := range s.table {
			if w.gen != s.gen {
				w.proc.kill()
			}
		}
		s.drainBy = time.Time{}
	}
	wt := s.p.cfg.Pool.Supervisor.WatchTick
	limits := wt > 0 && now.Sub(s.lastTick) >= wt
	if limits || now.Sub(s.lastSample) >= sampleEvery {
		s.sampleAll(now)
	}
	if limits {
		s.lastTick = now
		s.checkLimits(now)
	}
	s.dynamicTick(now)
}

// takeIdle empties the idle channel; the caller owns what it returns and
// must offer or retire each worker.
func (s *supervisor) takeIdle() []*worker {
	var ws []*worker
	for {
		select {
		case w := <-s.p.idle:
			ws = append(ws, w)
		default:
			return ws
		}
	}
}

func lastLine(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '\n' {
			return s[i+1:]
		}
	}
	return s
}
