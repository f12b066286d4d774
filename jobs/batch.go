package jobs

import (
	"context"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/engine/wire"
)

// maxBatch bounds jobs.batch.
const maxBatch = 64

// batchBudget is about how long a batch's jobs may take together, at the
// pool's recent time per job: a job written behind others on one worker
// waits for them, so batches are for short jobs only. Jobs that take a
// millisecond or more are written one at a time, as RoadRunner does.
const batchBudget = time.Millisecond

// BatchPool is a Pool that can write several jobs to one worker at once
// (the engine's jobs pool does). With it, the plugin batches short jobs
// while jobs wait: each exchange with a worker costs a wake-up of PHP and
// of phprun through the kernel, which is most of the Go CPU a short job
// costs on a virtual machine (docs/benchmarks.md, "jobs batches").
type BatchPool interface {
	Pool
	ExecBatch(ctx context.Context, pls []engine.Payload, each func(i int, r engine.BatchReply, err error)) (int, error)
}

// batcher is one poller's scratch space for batches, kept between them.
type batcher struct {
	ds    []Delivery
	pls   []engine.Payload
	ends  []int
	start time.Time // the batch began (the wait for a worker included)
	prev  time.Time // the last job answered
	// sum and n: the time and count of the batch's jobs, slow names
	// left out.
	sum  time.Duration
	n    int
	p    *Plugin
	each func(int, engine.BatchReply, error) // p.settleBatched bound to this batcher, made once
}

// batchSize is how many jobs the next batch may hold: no more than fit
// in batchBudget at the recent time per job, than jobs.batch, or than
// the waiting jobs shared out among the workers (so that one worker does
// not take what idle ones could run at once). 1 means no batch.
func (p *Plugin) batchSize() int {
	if p.cfg.Batch <= 1 || p.bpool == nil {
		return 1
	}
	per := p.jobNanos.Load()
	if per <= 0 {
		return 1 // nothing measured yet
	}
	k := min(int(batchBudget.Nanoseconds()/per), p.cfg.Batch)
	if k <= 1 {
		return 1
	}
	workers := max(p.deps.Workers, 1)
	fair := (p.q.Len() + 1 + workers - 1) / workers
	return max(min(k, fair), 1)
}

// outlier: a job name whose jobs take this long on average is never
// written with jobs behind it (nametimes.go).
const outlier = 4 * batchBudget

// observe folds n jobs that took d together into the running average
// time per job that batchSize reads. Pollers racing on it may lose an
// update, which only delays it a little.
func (p *Plugin) observe(d time.Duration, n int) {
	per := max(d.Nanoseconds()/int64(max(n, 1)), 1)
	if old := p.jobNanos.Load(); old > 0 {
		p.jobNanos.Store(max(old+(per-old)/8, 1))
	} else {
		p.jobNanos.Store(per)
	}
}

// endsBatch says whether d must be the last job of a batch: jobs of its
// name take long (nametimes.go).
func (p *Plugin) endsBatch(d Delivery) bool {
	return p.names.slow(d.Job().Name)
}

// runBatch runs ds (two or more deliveries, the first the most urgent) on
// one worker and settles each as run does. Jobs the batch did not run
// (its worker died or asked to restart first) are run one by one.
func (p *Plugin) runBatch(b *batcher, ds []Delivery, buf []byte, tc *tagCache) []byte {
	b.start = time.Now()
	b.prev, b.sum, b.n = b.start, 0, 0
	b.ds = ds
	b.pls = b.pls[:0]
	b.ends = b.ends[:0]
	buf = buf[:0]
	for _, d := range ds {
		j := d.Job()
		if j.AutoAck {
			_ = d.Ack()
		}
		tag, driver := tc.lookup(p, j)
		buf = appendContext(buf, j, driver)
		b.ends = append(b.ends, len(buf))
		b.pls = append(b.pls, engine.Payload{Body: j.Payload, Codec: wire.CodecRaw, Tag: engine.Tag{Kind: "job", Name: tag}})
	}
	from := 0
	for i := range b.pls {
		b.pls[i].Context = buf[from:b.ends[i]]
		from = b.ends[i]
	}
	ran, err := p.bpool.ExecBatch(context.Background(), b.pls, b.each)
	if err != nil {
		// No worker: each job fails as a lone one would.
		for _, d := range ds {
			f := Finished{ID: d.Job().ID, Name: d.Job().Name, Pipeline: d.Job().Pipeline}
			s := p.settleFailure(d, &f, err)
			p.finish(d, &f, s, b.start, time.Now())
		}
		b.ds = nil
		return buf
	}
	p.counters.batched.Add(uint64(ran))
	if b.n > 0 {
		p.observe(b.sum, b.n)
	}
	rest := ds[ran:]
	b.ds = nil
	clear(b.pls) // drop the payloads' references until the next batch
	for _, d := range rest {
		buf = p.run(d, buf, tc)
	}
	return buf
}

// settleBatched is ExecBatch's callback: job i of the batch answered (or
// failed), and is settled at once.
func (b *batcher) settleBatched(i int, r engine.BatchReply, err error) {
	p, d := b.p, b.ds[i]
	j := d.Job()
	f := Finished{ID: j.ID, Name: j.Name, Pipeline: j.Pipeline, PID: r.PID}
	var s settlement
	if err != nil {
		s = p.settleFailure(d, &f, err)
	} else {
		p.counters.jobsOK.Add(1)
		s = p.settleReply(&f, r.Body)
	}
	// A slow name's job (it went last) stays out of the average that
	// sizes batches.
	if !p.names.observe(j.Name, r.Took) {
		b.sum += r.Took
		b.n++
	}
	since := b.prev
	b.prev = time.Now()
	p.finish(d, &f, s, since, b.prev)
}

// finish reports a job that ended at now and hands its settlement to the
// driver, in that order (see run).
func (p *Plugin) finish(d Delivery, f *Finished, s settlement, start, now time.Time) {
	f.Time = now
	f.Duration = now.Sub(start)
	if p.deps.OnFinish != nil {
		p.deps.OnFinish(*f)
	}
	s.apply(d)
}

// Batched is how many jobs ran in batches of two or more since Start
// (the tests and BenchmarkMixedLatency read it).
func (p *Plugin) Batched() uint64 { return p.counters.batched.Load() }
