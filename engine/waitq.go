package engine

import (
	"fmt"
	"time"
)

// waiter is one Exec waiting for a worker. Exactly one value is sent on
// ch once the waiter has left the queue by someone else's hand: a worker
// (putIdle), or nil with err set (allocate_timeout, pool closed). A waiter
// that leaves on its own (its ctx ended) gets nothing. ch has room for
// that one value, so the sender never blocks, even under waitMu.
type waiter struct {
	ch         chan *worker
	err        error
	deadline   time.Time
	prev, next *waiter
}

// waitQueue is the FIFO of waiters, guarded by Pool.waitMu. Exec's wait
// used to be a select over the idle channel, an allocate_timeout timer of
// its own, ctx and the pool's quit channel: under an HTTP benchmark
// nearly every request waits, and that select plus the timer's reset and
// stop were about 6 % of the Go CPU per PSR-7 request by profile
// (docs/benchmarks.md).
// Here a waiter blocks on its own channel (and ctx, if it has one); one
// pool timer serves every deadline, since deadlines come in nearly the
// order of the queue, and it is re-armed only when it fires.
type waitQueue struct {
	head, tail *waiter
	armed      bool // timer set for a deadline at or before the tail's
}

func (q *waitQueue) push(wt *waiter) {
	wt.prev, wt.next = q.tail, nil
	if q.tail == nil {
		q.head = wt
	} else {
		q.tail.next = wt
	}
	q.tail = wt
}

// remove unlinks wt, which must be in q.
func (q *waitQueue) remove(wt *waiter) {
	if wt.prev == nil {
		q.head = wt.next
	} else {
		wt.prev.next = wt.next
	}
	if wt.next == nil {
		q.tail = wt.prev
	} else {
		wt.next.prev = wt.prev
	}
	wt.prev, wt.next = nil, nil
}

// contains reports whether wt is still queued (nobody popped it).
func (q *waitQueue) contains(wt *waiter) bool {
	return wt.prev != nil || q.head == wt
}

// putIdle gives a ready worker to the oldest waiter, or to the idle
// channel when nobody waits. It returns false only if the channel is
// full, which cannot happen: it holds every worker.
func (p *Pool) putIdle(w *worker) bool {
	p.waitMu.Lock()
	defer p.waitMu.Unlock()
	if wt := p.waitq.head; wt != nil {
		p.waitq.remove(wt)
		p.queued.Add(-1)
		wt.ch <- w
		return true
	}
	select {
	case p.idle <- w:
		return true
	default:
		return false
	}
}

// enqueue takes an idle worker if one came back since acquire looked, or
// queues a waiter whose allocate_timeout runs from start. It returns the
// worker, or the waiter to wait on.
func (p *Pool) enqueue(start time.Time) (*worker, *waiter, error) {
	p.waitMu.Lock()
	defer p.waitMu.Unlock()
	select {
	case w := <-p.idle:
		return w, nil, nil
	default:
	}
	if p.closed.Load() {
		return nil, nil, ErrPoolClosed
	}
	if limit := p.cfg.Pool.MaxQueueSize; limit > 0 && uint64(p.queued.Load()) >= limit {
		return nil, nil, ErrQueueFull
	}
	wt, _ := p.waiterPool.Get().(*waiter)
	if wt == nil {
		wt = &waiter{ch: make(chan *worker, 1)}
	}
	wt.err = nil
	wt.deadline = start.Add(p.cfg.Pool.AllocateTimeout)
	p.waitq.push(wt)
	p.queued.Add(1)
	if !p.waitq.armed {
		p.waitq.armed = true
		p.waitTimer.Reset(time.Until(wt.deadline))
	}
	return nil, wt, nil
}

// leave takes wt out of the queue after its ctx ended. It returns false
// when someone popped wt first: its value is on the way and must be
// received.
func (p *Pool) leave(wt *waiter) bool {
	p.waitMu.Lock()
	defer p.waitMu.Unlock()
	if !p.waitq.contains(wt) {
		return false
	}
	p.waitq.remove(wt)
	p.queued.Add(-1)
	return true
}

// expireWaiters is the pool timer's callback: waiters past their deadline
// get ErrNoFreeWorkers, and the timer is set again for the new head.
func (p *Pool) expireWaiters() {
	now := time.Now()
	p.waitMu.Lock()
	defer p.waitMu.Unlock()
	p.waitq.armed = false
	// Bounded by the queue's length; each round removes one waiter.
	for wt := p.waitq.head; wt != nil && !wt.deadline.After(now); wt = p.waitq.head {
		p.waitq.remove(wt)
		p.queued.Add(-1)
		wt.err = fmt.Errorf("%w within allocate_timeout (%v)", ErrNoFreeWorkers, p.cfg.Pool.AllocateTimeout)
		wt.ch <- nil
	}
	if wt := p.waitq.head; wt != nil {
		p.waitq.armed = true
		p.waitTimer.Reset(wt.deadline.Sub(now))
	}
}

// wakeWaiters fails every queued Exec with ErrPoolClosed (Close). Execs
// arriving later see Pool.closed under waitMu and do not queue.
func (p *Pool) wakeWaiters() {
	p.waitMu.Lock()
	defer p.waitMu.Unlock()
	for wt := p.waitq.head; wt != nil; wt = p.waitq.head {
		p.waitq.remove(wt)
		p.queued.Add(-1)
		wt.err = ErrPoolClosed
		wt.ch <- nil
	}
	p.waitTimer.Stop()
	p.waitq.armed = false
}
