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
	first time.Time // the first job answered
	prev  time.Time // the last job answered
	p     *Plugin
	each  func(int, engine.BatchReply, error) // p.settleBatched bound to this batcher, made once
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
	if per <= 0 || p.jobPeak.Load() > int64(outlier) {
		// Nothing measured yet, or a job took long lately: a batch
		// behind such a job would wait for it.
		return 1
	}
	k := min(int(batchBudget.Nanoseconds()/per), p.cfg.Batch)
	if k <= 1 {
		return 1
	}
	workers := max(p.deps.Workers, 1)
	fair := (p.q.Len() + 1 + workers - 1) / workers
	return max(min(k, fair), 1)
}

// outlier: while a job this long was seen lately (jobPeak), nothing is
// batched.
const outlier = 4 * batchBudget

// observe folds the time per job of n jobs that took d into the running
// average and the decaying peak that batchSize reads. Pollers racing on
// them may lose an update, which only delays them a little.
func (p *Plugin) observe(d time.Duration, n int) {
	per := max(d.Nanoseconds()/int64(max(n, 1)), 1)
	if old := p.jobNanos.Load(); old > 0 {
		p.jobNanos.Store(max(old+(per-old)/8, 1))
	} else {
		p.jobNanos.Store(per)
	}
	// The peak falls by 1/64 per observation: after a 10 s job, batches
	// come back some 500 jobs later.
	peak := p.jobPeak.Load()
	p.jobPeak.Store(max(per, peak-peak/64))
}

// runBatch runs ds (two or more deliveries, the first the most urgent) on
// one worker and settles each as run does. Jobs the batch did not run
// (its worker died or asked to restart first) are run one by one.
func (p *Plugin) runBatch(b *batcher, ds []Delivery, buf []byte, tc *tagCache) []byte {
	b.start = time.Now()
	b.prev = b.start
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
	if ran > 1 {
		// From the first reply on: the time before it includes the wait
		// for a worker.
		p.observe(b.prev.Sub(b.first), ran-1)
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
	since := b.prev
	b.prev = time.Now()
	if i == 0 {
		b.first = b.prev
	}
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
// (bench/jobs.sh reports it beside the Go CPU per job).
func (p *Plugin) Batched() uint64 { return p.counters.batched.Load() }
