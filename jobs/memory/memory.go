// Package memory is the embedded, in-process jobs driver: RoadRunner's
// `memory` driver. Jobs live in a priority heap and a delay heap inside
// phprun and are lost when phprun stops (RoadRunner's behaviour, kept and
// documented); while phprun runs, delivery is at-least-once: a job whose
// consumer crashes is nacked with requeue by the plugin and comes back.
//
// The same heaps serve the boltdb driver: New with a Store writes every
// change through to it, so the jobs outlive the process.
package memory

import (
	"container/heap"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unique"

	"github.com/phprun/phprun/jobs"
)

// Name is the driver name in `pipelines.<name>.driver`.
const Name = "memory"

// defaultPrefetch is RoadRunner's: how many deliveries may be out at once.
const defaultPrefetch = 100_000

// Store persists a pipeline's jobs for a durable driver built on these
// heaps (boltdb). Keys are the store's; 0 asks Put for a new one.
type Store interface {
	// Put writes j, due at due (zero: ready), and returns its key.
	Put(key uint64, j *jobs.Job, due time.Time) (uint64, error)
	// Delete forgets the job under key.
	Delete(key uint64) error
}

// Driver is one memory pipeline.
type Driver struct {
	name     string
	q        jobs.Queue
	store    Store // nil for the memory driver
	priority int64 // the pipeline's; jobs with priority 0 take it
	prefetch int64

	mu        sync.Mutex
	ready     readyHeap   // guarded by mu
	delayed   delayHeap   // guarded by mu
	timer     *time.Timer // guarded by mu; fires when the earliest delayed job is due
	reserved  int64       // guarded by mu; deliveries out and not settled
	seq       uint64      // guarded by mu; FIFO order among equal priorities
	consuming bool        // guarded by mu
	stopped   bool        // guarded by mu
}

// Open is the jobs.Constructor of the memory driver.
func Open(_ context.Context, o jobs.Options) (jobs.Driver, error) {
	return New(o, nil, defaultPrefetch)
}

// New returns a pipeline on these heaps; store (may be nil) receives every
// change. defPrefetch is the driver's default for the prefetch key.
func New(o jobs.Options, store Store, defPrefetch int64) (*Driver, error) {
	d := &Driver{
		name:     o.Pipeline.Name,
		q:        o.Queue,
		store:    store,
		priority: o.Pipeline.Priority(),
		prefetch: o.Pipeline.Int("prefetch", defPrefetch),
	}
	if d.prefetch <= 0 {
		d.prefetch = defPrefetch
	}
	if d.q == nil {
		return nil, fmt.Errorf("jobs: memory pipeline %s: no queue to deliver to", d.name)
	}
	return d, nil
}

// item is a stored job (held by value: one allocation per queued job, so
// a million small jobs fit in well under 200 MB of heap) with its FIFO
// sequence and, in the delay heap, when it is due. job.Priority is the
// effective priority.
type item struct {
	job jobs.Job
	seq uint64
	due int64  // unix nanoseconds; 0 = ready
	key uint64 // the Store's key; 0 without a store
}

// newItem copies j into an item, sharing the strings every job of the
// pipeline repeats (pipeline and job name) instead of keeping one copy
// per job.
func (d *Driver) newItem(j *jobs.Job, prio int64, key uint64) *item {
	it := &item{job: *j, key: key}
	it.job.Priority = prio
	it.job.Pipeline = d.name
	it.job.Name = unique.Make(j.Name).Value()
	it.job.Delay = 0
	return it
}

// Push stores j: ready at once, or in the delay heap.
func (d *Driver) Push(_ context.Context, j *jobs.Job) error {
	prio := j.Priority
	if prio == 0 {
		prio = d.priority // Delivery.Job() carries the effective priority
	}
	it := d.newItem(j, prio, 0)
	if d.store != nil {
		var due time.Time
		if j.Delay > 0 {
			due = time.Now().Add(j.Delay)
		}
		key, err := d.store.Put(0, &it.job, due)
		if err != nil {
			return fmt.Errorf("jobs: pipeline %s: store job %s: %w", d.name, j.ID, err)
		}
		it.key = key
	}
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return jobs.ErrStopped
	}
	var buf handout
	out := d.storeLocked(it, j.Delay, buf[:0])
	d.mu.Unlock()
	d.hand(out)
	return nil
}

// Restore files a job read back from the Store under key (a durable
// driver's start-up); due in the past means ready.
func (d *Driver) Restore(key uint64, j *jobs.Job, due time.Time) {
	prio := j.Priority
	if prio == 0 {
		prio = d.priority
	}
	var buf handout
	d.mu.Lock()
	out := d.storeLocked(d.newItem(j, prio, key), time.Until(due), buf[:0])
	d.mu.Unlock()
	d.hand(out)
}

// storeLocked files it as ready or delayed and returns what may now be
// handed out.
func (d *Driver) storeLocked(it *item, delay time.Duration, out []jobs.Delivery) []jobs.Delivery {
	d.seq++
	it.seq = d.seq
	if delay > 0 {
		it.due = time.Now().Add(delay).UnixNano()
		heap.Push(&d.delayed, it)
		d.armLocked()
		return out
	}
	heap.Push(&d.ready, it)
	return d.pumpLocked(out)
}

// pumpLocked appends to out the ready jobs it takes while the pipeline
// consumes and prefetch allows. The caller hands them to the queue after
// unlocking, so the queue's own lock is never taken under d.mu; it passes
// a small array of its own stack (handout) so the usual single delivery
// costs no slice allocation.
func (d *Driver) pumpLocked(out []jobs.Delivery) []jobs.Delivery {
	for d.consuming && d.reserved < d.prefetch && d.ready.Len() > 0 {
		it := heap.Pop(&d.ready).(*item)
		d.reserved++
		out = append(out, &delivery{d: d, it: it})
	}
	return out
}

// handout is the stack buffer a caller of pumpLocked passes.
type handout [4]jobs.Delivery

func (d *Driver) hand(out []jobs.Delivery) {
	for _, dl := range out {
		d.q.Insert(dl)
	}
}

// armLocked sets the timer for the earliest delayed job.
func (d *Driver) armLocked() {
	if d.delayed.Len() == 0 {
		return
	}
	wait := time.Until(time.Unix(0, d.delayed[0].due))
	if d.timer == nil {
		d.timer = time.AfterFunc(wait, d.promote)
		return
	}
	d.timer.Reset(wait)
}

// promote moves due jobs from the delay heap to the ready heap.
func (d *Driver) promote() {
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return
	}
	now := time.Now().UnixNano()
	for d.delayed.Len() > 0 && d.delayed[0].due <= now {
		it := heap.Pop(&d.delayed).(*item)
		it.due = 0
		d.seq++
		it.seq = d.seq
		heap.Push(&d.ready, it)
	}
	d.armLocked()
	var buf handout
	out := d.pumpLocked(buf[:0])
	d.mu.Unlock()
	d.hand(out)
}

// Resume starts handing out jobs.
func (d *Driver) Resume(context.Context) error {
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return jobs.ErrStopped
	}
	d.consuming = true
	var buf handout
	out := d.pumpLocked(buf[:0])
	d.mu.Unlock()
	d.hand(out)
	return nil
}

// Pause stops handing out jobs.
func (d *Driver) Pause(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.consuming {
		return jobs.ErrNotConsuming
	}
	d.consuming = false
	return nil
}

// State reports the heaps' sizes.
func (d *Driver) State(context.Context) (jobs.State, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return jobs.State{
		Active:   int64(d.ready.Len()),
		Delayed:  int64(d.delayed.Len()),
		Reserved: d.reserved,
		Ready:    d.consuming,
	}, nil
}

// Stop drops every stored job: the memory driver keeps nothing across a
// stop (documented).
func (d *Driver) Stop(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	d.consuming = false
	d.ready, d.delayed = nil, nil
	if d.timer != nil {
		d.timer.Stop()
	}
	return nil
}

// Destroy is Stop: nothing lives outside the process.
func (d *Driver) Destroy(ctx context.Context) error { return d.Stop(ctx) }

// settle ends a delivery: back into the heaps when again, then refills.
// With a Store the change is written first; if that fails the job stays
// stored as it was and comes back after a restart (at-least-once).
func (d *Driver) settle(it *item, again bool, delay time.Duration) {
	if d.store != nil {
		var err error
		if again {
			var due time.Time
			if delay > 0 {
				due = time.Now().Add(delay)
			}
			_, err = d.store.Put(it.key, &it.job, due)
		} else {
			err = d.store.Delete(it.key)
		}
		if err != nil {
			var buf handout
			d.mu.Lock()
			d.reserved--
			out := d.pumpLocked(buf[:0])
			d.mu.Unlock()
			d.hand(out)
			return
		}
	}
	var buf handout
	d.mu.Lock()
	d.reserved--
	var out []jobs.Delivery
	if again && !d.stopped {
		out = d.storeLocked(it, delay, buf[:0])
	} else {
		out = d.pumpLocked(buf[:0])
	}
	d.mu.Unlock()
	d.hand(out)
}

// delivery is one handed-out job of a memory pipeline.
type delivery struct {
	d       *Driver
	it      *item
	settled atomic.Bool
}

func (dl *delivery) Job() *jobs.Job { return &dl.it.job }

func (dl *delivery) Ack() error {
	if !dl.settled.CompareAndSwap(false, true) {
		return jobs.ErrSettled
	}
	dl.d.settle(dl.it, false, 0)
	return nil
}

func (dl *delivery) Nack(requeue bool, delay time.Duration) error {
	if !dl.settled.CompareAndSwap(false, true) {
		return jobs.ErrSettled
	}
	dl.d.settle(dl.it, requeue, delay)
	return nil
}

func (dl *delivery) Requeue(headers map[string][]string, delay time.Duration) error {
	if !dl.settled.CompareAndSwap(false, true) {
		return jobs.ErrSettled
	}
	dl.it.job.MergeHeaders(headers)
	dl.d.settle(dl.it, true, delay)
	return nil
}

// readyHeap orders by priority (lower first), then push order.
type readyHeap []*item

func (h readyHeap) Len() int { return len(h) }
func (h readyHeap) Less(i, j int) bool {
	if h[i].job.Priority != h[j].job.Priority {
		return h[i].job.Priority < h[j].job.Priority
	}
	return h[i].seq < h[j].seq
}
func (h readyHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *readyHeap) Push(x any)   { *h = append(*h, x.(*item)) }
func (h *readyHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return it
}

// delayHeap orders by due time.
type delayHeap []*item

func (h delayHeap) Len() int           { return len(h) }
func (h delayHeap) Less(i, j int) bool { return h[i].due < h[j].due }
func (h delayHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *delayHeap) Push(x any)        { *h = append(*h, x.(*item)) }
func (h *delayHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return it
}
