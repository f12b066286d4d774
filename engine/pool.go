package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Pool is a set of worker processes running one command. It is safe for
// concurrent use.
//
// Ownership: the supervisor goroutine owns the worker table, the
// generation counter, the target size and the boot back-off (supervisor.go);
// everyone else sends it commands. An idle worker belongs to the idle
// channel, or is handed to the oldest waiting Exec (waitq.go); receiving
// it makes the receiver its only user. Counters are atomics so Stats
// never takes a pool-wide lock; a job takes one, waitMu, only to hand its
// worker on.
type Pool struct {
	cfg     Config
	bus     *Bus
	environ []string
	cred    *credential  // server.user/group; nil runs workers as phprun
	sock    *socketRelay // nil for pipes

	idle chan *worker  // ready workers of the serving generation, when nobody waits
	cmds chan command  // to the supervisor
	quit chan struct{} // closed when Close starts
	// debug is the one-worker debug mode (debugmode.go): set from the
	// start by pool.debug with DebugOneWorker, or at run time by SetDebug.
	debug   atomic.Pointer[debugMode]
	supQuit chan struct{} // closed by Close to end the supervisor
	supDone chan struct{} // closed when the supervisor returned

	gen      atomic.Uint64 // serving generation; workers of another one retire
	closed   atomic.Bool
	active   atomic.Int64 // Execs between entry and Release
	queued   atomic.Int64 // Execs waiting for a worker: waitq's length
	execs    atomic.Uint64
	errs     atomic.Uint64
	restarts atomic.Uint64
	bootErr  atomic.Pointer[string]
	serving  atomic.Int64              // workers of the serving generation not retiring
	workers  atomic.Pointer[[]*worker] // copy of the supervisor's table

	waitMu     sync.Mutex // guards waitq and the hand-off of workers to it (waitq.go)
	waitq      waitQueue
	waitTimer  *time.Timer // expireWaiters: allocate_timeout of the queue's head
	waiterPool sync.Pool   // *waiter, reused: a wait allocates nothing

	procMu     sync.Mutex // guards procs, procClosed
	procs      map[*process]struct{}
	procClosed bool
	waiters    sync.WaitGroup // one per tracked process, done once its exit is reported
	spawns     sync.WaitGroup // spawn goroutines started by the supervisor

	// readProc reads a process's figures; only the supervisor calls it
	// (sample.go). It is the real /proc reader except in tests that count
	// reads. Set once in newPool.
	readProc readProcFunc

	closeOnce sync.Once
	closeErr  error
}

// New validates cfg, starts cfg.Pool.NumWorkers workers and returns once
// they are ready. If the first workers cannot boot it returns the reason
// (with the worker's last output lines). bus may be nil. ctx bounds the
// start-up only.
func New(ctx context.Context, cfg Config, bus *Bus) (*Pool, error) {
	return newWithReader(ctx, cfg, bus, newProcReader().read)
}

// newWithReader is New with the reader of process figures given: tests pass
// one that counts its calls.
func newWithReader(ctx context.Context, cfg Config, bus *Bus, readProc readProcFunc) (*Pool, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("engine: config: %w", err)
	}
	n := cfg.Pool.NumWorkers
	if cfg.Pool.Debug {
		n = 0
	}
	most := n // the most workers at once, for the idle channel's size
	if d := cfg.Pool.DynamicAllocator; d != nil && n > 0 {
		extra, _, _ := d.limits()
		most += extra
	}
	p := &Pool{
		cfg:     cfg,
		bus:     bus,
		idle:    make(chan *worker, 2*most+8),
		cmds:    make(chan command, 64),
		quit:    make(chan struct{}),
		supQuit: make(chan struct{}),
		supDone: make(chan struct{}),
		procs:   make(map[*process]struct{}),

		readProc: readProc,
	}
	p.waitTimer = time.AfterFunc(time.Hour, p.expireWaiters)
	p.waitTimer.Stop() // armed by the first Exec that has to wait
	p.environ = p.buildEnv(cfg.Server.Env)
	if cfg.Pool.Debug && cfg.Pool.DebugOneWorker {
		p.debug.Store(&debugMode{environ: p.environ, slot: make(chan struct{}, 1)})
	}
	p.cred, _ = lookupCredential(cfg.Server.User, cfg.Server.Group) // checked by Validate
	if cfg.Server.Relay != "pipes" {
		s, err := listenRelay(p, cfg.Server.Relay, cfg.Dir)
		if err != nil {
			return nil, err
		}
		p.sock = s
	}
	empty := []*worker{}
	p.workers.Store(&empty)
	go newSupervisor(p, n).run()

	if n > 0 {
		if err := p.reload(ctx, "start"); err != nil {
			cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = p.Close(cctx)
			return nil, err
		}
	}
	return p, nil
}

// Name returns the pool's name (Config.Name).
func (p *Pool) Name() string { return p.cfg.Name }

// Config returns the configuration the pool runs with.
func (p *Pool) Config() Config { return p.cfg }

// publish stamps e with the pool name and sends it to the bus.
func (p *Pool) publish(e Event) {
	if p.bus == nil {
		return
	}
	e.Pool = p.cfg.Name
	p.bus.Publish(e)
}

// send hands c to the supervisor, or drops it once the supervisor is gone
// (after Close, when nothing needs doing any more).
func (p *Pool) send(c command) bool {
	select {
	case p.cmds <- c:
		return true
	case <-p.supDone:
		return false
	}
}

// trackProcess registers (add) or forgets a started process so that Close
// can find and kill every one. It refuses new processes once Close has
// collected them.
func (p *Pool) trackProcess(proc *process, add bool) bool {
	p.procMu.Lock()
	defer p.procMu.Unlock()
	if !add {
		delete(p.procs, proc)
		p.waiters.Done()
		return true
	}
	if p.procClosed {
		return false
	}
	p.procs[proc] = struct{}{}
	p.waiters.Add(1) // under procMu, so never after Close's Wait began
	return true
}

// Stats returns a snapshot of the pool. It reads no file and takes no
// pool lock: each worker's process figures are the supervisor's last
// sample (sample.go), given with the exec count of that moment.
func (p *Pool) Stats() Stats {
	ws := *p.workers.Load()
	s := Stats{
		Pool:       p.cfg.Name,
		Generation: p.gen.Load(),
		Workers:    make([]WorkerInfo, 0, len(ws)),
		Queue:      int(p.queued.Load()),
		Execs:      p.execs.Load(),
		Errors:     p.errs.Load(),
		Restarts:   p.restarts.Load(),
	}
	if e := p.bootErr.Load(); e != nil {
		s.BootError = *e
	}
	for _, w := range ws {
		s.Workers = append(s.Workers, w.info())
	}
	slices.SortFunc(s.Workers, func(a, b WorkerInfo) int { return cmp.Compare(a.PID, b.PID) })
	return s
}

// Close stops accepting jobs, waits for running ones up to destroy_timeout
// (or ctx), then stops every worker: stop frame, SIGTERM, SIGKILL. It
// returns once no worker process is left. Calling it again returns the
// first result.
func (p *Pool) Close(ctx context.Context) error {
	p.closeOnce.Do(func() { p.closeErr = p.close(ctx) })
	return p.closeErr
}

func (p *Pool) close(ctx context.Context) error {
	p.closed.Store(true)
	close(p.quit)
	p.wakeWaiters()
	var errs []error

	// 1. Drain: wait for jobs in flight.
	deadline := time.Now().Add(p.cfg.Pool.DestroyTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	tick := time.NewTicker(5 * time.Millisecond)
	for p.active.Load() > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		select {
		case <-tick.C:
		case <-ctx.Done():
		}
	}
	tick.Stop()
	if n := p.active.Load(); n > 0 {
		errs = append(errs, fmt.Errorf("engine: close: %d jobs still running after the drain; their workers are killed", n))
	}

	// 2. The supervisor stops spawning and hands over its table.
	reply := make(chan []*worker, 1)
	var table []*worker
	if p.send(command{kind: cmdClose, list: reply}) {
		table = <-reply
	}

	// 3. Idle workers get the stop frame; busy ones are killed. Workers
	// already retiring finish their own escalation.
	grace := min(gracefulStop, max(time.Until(deadline), 100*time.Millisecond))
	var wg sync.WaitGroup
	idle := map[*worker]bool{}
	for {
		select {
		case w := <-p.idle:
			idle[w] = true
			continue
		default:
		}
		break
	}
	for _, w := range table {
		switch {
		case idle[w]:
			wg.Add(1)
			go func() {
				defer wg.Done()
				w.stopGracefully(StateStopping, grace)
			}()
		case !w.retiring.Load():
			w.state.Store(int64(StateStopping))
			w.proc.kill()
		}
	}
	for w := range idle {
		if !containsWorker(table, w) {
			w.closeRelay()
		}
	}
	wg.Wait()

	// 4. Whatever still runs (spawns in progress, retiring workers) is killed.
	p.procMu.Lock()
	p.procClosed = true
	left := make([]*process, 0, len(p.procs))
	for proc := range p.procs {
		left = append(left, proc)
	}
	p.procMu.Unlock()
	for _, proc := range left {
		proc.escalate(0)
	}
	for _, w := range table {
		w.closeRelay()
	}
	// Every exit has been reported to the supervisor (stopped events);
	// then it may go, and the spawns it started finish.
	p.waiters.Wait()
	close(p.supQuit)
	<-p.supDone
	p.spawns.Wait()
	if p.sock != nil {
		if err := p.sock.close(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := ctx.Err(); err != nil {
		errs = append(errs, fmt.Errorf("engine: close: %w", err))
	}
	return errors.Join(errs...)
}

func containsWorker(ws []*worker, w *worker) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}
