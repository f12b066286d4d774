// Package jobstest is the conformance suite every jobs driver runs
// (memory, boltdb, amqp, nats): Run checks, against a real driver, each
// point of the jobs.Driver contract. It is imported only by tests.
package jobstest

import (
	"sync"
	"testing"
	"time"

	"github.com/phprun/phprun/jobs"
)

// Collector is a jobs.Queue that keeps deliveries in arrival order, for
// tests to take one by one.
type Collector struct {
	mu     sync.Mutex
	got    []jobs.Delivery // guarded by mu
	signal chan struct{}   // one token after each Insert
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector { return &Collector{signal: make(chan struct{}, 1)} }

// Insert never blocks.
func (c *Collector) Insert(d jobs.Delivery) {
	c.mu.Lock()
	c.got = append(c.got, d)
	c.mu.Unlock()
	select {
	case c.signal <- struct{}{}:
	default:
	}
}

// TryNext returns the oldest delivery, waiting up to within for one.
func (c *Collector) TryNext(within time.Duration) (jobs.Delivery, bool) {
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		if len(c.got) > 0 {
			d := c.got[0]
			c.got = c.got[1:]
			c.mu.Unlock()
			return d, true
		}
		c.mu.Unlock()
		select {
		case <-c.signal:
		case <-deadline.C:
			return nil, false
		}
	}
}

// Next returns the oldest delivery or fails the test after within.
func (c *Collector) Next(t testing.TB, within time.Duration) jobs.Delivery {
	t.Helper()
	d, ok := c.TryNext(within)
	if !ok {
		t.Fatalf("no delivery within %v", within)
	}
	return d
}

// None fails the test if a delivery arrives within d.
func (c *Collector) None(t testing.TB, d time.Duration) {
	t.Helper()
	if got, ok := c.TryNext(d); ok {
		t.Fatalf("unexpected delivery of job %s (%s)", got.Job().ID, got.Job().Name)
	}
}
