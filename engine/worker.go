package engine

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// maxPayload bounds one response frame (the frame format allows 4 GiB−1).
const maxPayload = 1 << 30

// worker is one PHP process plus its relay. The hot-path fields (relay,
// reader, frame, write buffer) belong to whoever holds the worker: the idle
// channel hands it to exactly one Exec (or to the supervisor draining the
// channel), who uses them without locks and gives the worker back.
// Counters observers read are atomics.
type worker struct {
	p       *Pool
	proc    *process
	pid     int
	gen     uint64 // generation it was spawned for; immutable
	noTTL   bool   // exec_ttl off for this worker (a run-time debug mode, debugmode.go); immutable once it serves
	created time.Time
	maxJobs uint64 // max_jobs with jitter; 0 = unlimited; immutable

	// Owned by the holder.
	rl     relay
	rd     *wire.Reader
	fr     wire.Frame
	wbuf   []byte
	opt    [1]uint32
	tagged bool // tag holds a non-zero Tag
	// streamBody: the running job's caller reads large bodies in parts
	// (Payload.StreamBody, bigbody.go).
	streamBody bool
	late       lateState // finds frames sent while idle (late.go)

	// Sending the job inside the read of its reply (exchange, relay.go).
	after     *afterRead // nil: the relay makes no raw calls
	job       Payload    // the job sendAfter sends
	jobSent   bool       // sendAfter wrote the job, or tried to
	jobErr    error      // what writing it failed with
	sendFirst func(fd uintptr) (bool, error)

	// Read by observers.
	state    atomic.Int64           // State
	execs    atomic.Uint64          // frames sent (jobs)
	jobStart atomic.Int64           // unix ns of the running job's start, 0 when idle
	lastUsed atomic.Int64           // unix ns of the last job's end, 0 if never used; kept only with idle_ttl
	retiring atomic.Bool            // no longer counts toward the pool size
	retireAs atomic.Int64           // State a limit asked for while the worker was busy; 0 = none
	last     atomic.Pointer[sample] // the supervisor's last sample (sample.go); nil before the first

	tagMu sync.Mutex // guards tag
	tag   Tag

	// Cancellation of a running exchange by ctx (see arm in exec.go):
	// onCancel is built once so arming allocates only what AfterFunc needs;
	// cancelDone receives one token each time it ran.
	onCancel   func()
	cancelDone chan struct{}

	closeOnce sync.Once
}

// newWorker wraps a started process and its relay. rd may carry bytes the
// socket acceptor already buffered.
func newWorker(p *Pool, proc *process, rl relay, rd *wire.Reader, gen uint64) *worker {
	w := &worker{p: p, proc: proc, pid: proc.pid, gen: gen, created: time.Now(), rl: rl, rd: rd}
	if rd == nil {
		w.rd = wire.NewReader(rl, wire.DefaultBufferSize, maxPayload)
	}
	w.rd.SetJunkHandler(proc.out.junk)
	w.late.init(rl)
	if ar, ok := rl.(afterReader); ok {
		w.after = ar.afterRead()
	}
	w.sendFirst = w.sendAfter
	w.onCancel = w.cancelExchange
	w.cancelDone = make(chan struct{}, 1)
	if p.cfg.Pool.Debug {
		w.maxJobs = 1
	} else if n := p.cfg.Pool.MaxJobs; n > 0 {
		// RoadRunner adds a random 0–14% so workers do not all restart at once.
		w.maxJobs = n + uint64(float64(n)*rand.Float64()*0.14)
	}
	w.state.Store(int64(StateInactive))
	return w
}

// closeRelay releases the relay's file descriptors; safe to call from
// every path that ends a worker.
func (w *worker) closeRelay() {
	w.closeOnce.Do(func() { _ = w.rl.Close() })
}

// setTag records the running job's tag for Stats.
func (w *worker) setTag(t Tag) {
	w.tagMu.Lock()
	w.tag = t
	w.tagMu.Unlock()
}

func (w *worker) getTag() Tag {
	w.tagMu.Lock()
	defer w.tagMu.Unlock()
	return w.tag
}

// info builds the worker's Stats entry from atomics and the last sample:
// no file is read, whoever asks and however often.
func (w *worker) info() WorkerInfo {
	wi := WorkerInfo{
		PID:        w.pid,
		State:      State(w.state.Load()),
		Generation: w.gen,
		NumExecs:   w.execs.Load(),
		Created:    w.created,
	}
	if sm := w.last.Load(); sm != nil {
		wi.RSS, wi.CPUPercent = sm.RSS, sm.CPUPercent
		wi.SampledAt, wi.SampledExecs, wi.SampledIdle = sm.at, sm.execs, sm.idle
	}
	if s := w.jobStart.Load(); s != 0 {
		wi.JobStart = time.Unix(0, s)
		wi.Job = w.getTag()
	}
	return wi
}

// lastRSS is the RSS of the last sample, 0 before the first.
func (w *worker) lastRSS() uint64 {
	if sm := w.last.Load(); sm != nil {
		return sm.RSS
	}
	return 0
}
