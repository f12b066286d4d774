package jobs

import (
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
	q.items.push(queued{d: d, prio: d.Job().Priority, seq: q.seq})
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
			it := q.items.pop()
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

// TakeMore appends up to n more deliveries to dst, most urgent first,
// without waiting; it stops after one for which last says true.
func (q *pqueue) TakeMore(dst []Delivery, n int, last func(Delivery) bool) []Delivery {
	q.mu.Lock()
	for ; n > 0 && q.items.Len() > 0; n-- {
		d := q.items.pop().d
		dst = append(dst, d)
		if last(d) {
			break
		}
	}
	more := q.items.Len() > 0
	q.mu.Unlock()
	if more {
		q.wake()
	}
	return dst
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
	q.items.init()
	return out
}

// deliveryHeap is a binary min-heap of queued deliveries. It is typed
// rather than driven through container/heap, whose Push and Pop box each
// element in an interface: two allocations per job.
type deliveryHeap []queued

func (h deliveryHeap) Len() int { return len(h) }

func (h deliveryHeap) less(i, j int) bool {
	if h[i].prio != h[j].prio {
		return h[i].prio < h[j].prio
	}
	return h[i].seq < h[j].seq
}

func (h *deliveryHeap) push(x queued) {
	*h = append(*h, x)
	h.up(len(*h) - 1)
}

// pop removes and returns the most urgent element; h must not be empty.
func (h *deliveryHeap) pop() queued {
	old := *h
	n := len(old) - 1
	top := old[0]
	old[0] = old[n]
	old[n] = queued{}
	*h = old[:n]
	h.down(0)
	return top
}

func (h *deliveryHeap) init() {
	for i := len(*h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h deliveryHeap) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			return
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

func (h deliveryHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
