package jobs

import (
	"container/heap"
	"context"
	"sync"
)

// pqueue is the plugin's shared priority queue: every consuming pipeline's
// driver inserts its deliveries, the pollers take the lowest priority
// number first (FIFO among equals), as RoadRunner's pollers do.
type pqueue struct {
	mu     sync.Mutex
	items  deliveryHeap  // guarded by mu
	seq    uint64        // guarded by mu
	closed bool          // guarded by mu
	avail  chan struct{} // one token while items may be non-empty: wakes one taker
}

func newPQueue() *pqueue { return &pqueue{avail: make(chan struct{}, 1)} }

type queued struct {
	d    Delivery
	prio int64
	seq  uint64
}

// Insert adds d; it never blocks (drivers' prefetch bounds the queue).
func (q *pqueue) Insert(d Delivery) {
	q.mu.Lock()
	q.seq++
	heap.Push(&q.items, queued{d: d, prio: d.Job().Priority, seq: q.seq})
	q.mu.Unlock()
	q.wake()
}

func (q *pqueue) wake() {
	select {
	case q.avail <- struct{}{}:
	default:
	}
}

// Take returns the most urgent delivery, waiting until there is one, ctx
// ends (nil, false) or the queue is closed and empty.
func (q *pqueue) Take(ctx context.Context) (Delivery, bool) {
	for {
		if ctx.Err() != nil {
			return nil, false
		}
		q.mu.Lock()
		if q.items.Len() > 0 {
			it := heap.Pop(&q.items).(queued)
			more := q.items.Len() > 0
			q.mu.Unlock()
			if more {
				q.wake() // pass the token on to the next taker
			}
			return it.d, true
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return nil, false
		}
		select {
		case <-q.avail:
		case <-ctx.Done():
			return nil, false
		}
	}
}

// Len is how many deliveries wait.
func (q *pqueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.items.Len()
}

// Drain closes the queue and returns what it still holds.
func (q *pqueue) Drain() []Delivery {
	q.mu.Lock()
	q.closed = true
	out := make([]Delivery, 0, len(q.items))
	for _, it := range q.items {
		out = append(out, it.d)
	}
	q.items = nil
	q.mu.Unlock()
	q.wake()
	return out
}

// Remove takes out every delivery of pipeline (paused or destroyed
// pipelines give theirs back to the driver).
func (q *pqueue) Remove(pipeline string) []Delivery {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []Delivery
	kept := q.items[:0]
	for _, it := range q.items {
		if it.d.Job().Pipeline == pipeline {
			out = append(out, it.d)
			continue
		}
		kept = append(kept, it)
	}
	clear(q.items[len(kept):])
	q.items = kept
	heap.Init(&q.items)
	return out
}

type deliveryHeap []queued

func (h deliveryHeap) Len() int { return len(h) }
func (h deliveryHeap) Less(i, j int) bool {
	if h[i].prio != h[j].prio {
		return h[i].prio < h[j].prio
	}
	return h[i].seq < h[j].seq
}
func (h deliveryHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *deliveryHeap) Push(x any)   { *h = append(*h, x.(queued)) }
func (h *deliveryHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	old[len(old)-1] = queued{}
	*h = old[:len(old)-1]
	return it
}
