package kv

import (
	"sync"
	"time"
)

// Sweeper runs a driver's expiry sweep every interval on one goroutine
// until Stop, which waits for a sweep in progress to finish.
type Sweeper struct {
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// StartSweeper calls sweep every interval.
func StartSweeper(interval time.Duration, sweep func()) *Sweeper {
	s := &Sweeper{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				sweep()
			}
		}
	}()
	return s
}

// Stop ends the sweeps and waits for the goroutine; later calls return at once.
func (s *Sweeper) Stop() {
	s.once.Do(func() { close(s.stop) })
	<-s.done
}
