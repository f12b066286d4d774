package engine

import (
	"sync"
	"sync/atomic"
	"time"
)

// EventKind says what happened.
type EventKind uint8

// Lifecycle events published on the Bus.
const (
	EventWorkerSpawned EventKind = iota + 1 // process started
	EventWorkerReady                        // handshake done, serving
	EventWorkerStopped                      // process exited; Reason says why
	EventWorkerOutput                       // one line of stderr or stray stdout; Message
	EventLimitReached                       // max_jobs/ttl/idle_ttl/memory/exec_ttl; Reason
	EventReloadStarted                      // Reload began; Reason is the caller's
	EventReloadDone                         // Reload finished; Count workers, Duration, Reason
	EventReloadFailed                       // new generation could not boot; Message, Reason
	EventBootFailed                         // a worker failed to boot (crash loop); Message
	EventLog                                // a warning of the engine itself (relay, late output); Level, Message
)

var eventNames = [...]string{"", "worker.spawned", "worker.ready", "worker.stopped", "worker.output",
	"worker.limit", "reload.started", "reload.done", "reload.failed", "worker.boot_failed", "log"}

// String returns a stable dotted name used in JSON logs.
func (k EventKind) String() string {
	if int(k) < len(eventNames) {
		return eventNames[k]
	}
	return "unknown"
}

// Event is one lifecycle fact. Fields not relevant to the kind are zero.
type Event struct {
	Time       time.Time
	Kind       EventKind
	Pool       string
	PID        int
	Generation uint64
	Reason     string
	Message    string
	Level      string // for EventLog: "debug", "info", "warn", "error"
	Duration   time.Duration
	Count      int
}

// Bus fans events out to subscribers without ever blocking the publisher:
// a subscriber whose buffer is full misses the event and its drop counter
// grows (as os/signal does).
type Bus struct {
	mu   sync.RWMutex // guards subs
	subs []*Subscription
}

// NewBus returns an empty Bus.
func NewBus() *Bus { return &Bus{} }

// Subscription receives events on C until Unsubscribe.
type Subscription struct {
	C       <-chan Event
	c       chan Event
	dropped atomic.Uint64
}

// Dropped reports how many events this subscriber missed.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Subscribe registers a subscriber with room for buffer events.
func (b *Bus) Subscribe(buffer int) *Subscription {
	c := make(chan Event, max(buffer, 1))
	s := &Subscription{C: c, c: c}
	b.mu.Lock()
	b.subs = append(b.subs, s)
	b.mu.Unlock()
	return s
}

// Unsubscribe removes s and closes its channel.
func (b *Bus) Unsubscribe(s *Subscription) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, x := range b.subs {
		if x == s {
			b.subs = append(b.subs[:i], b.subs[i+1:]...)
			close(s.c)
			return
		}
	}
}

// Publish delivers e to every subscriber that has room. A nil Bus drops
// everything, so the engine can run without observers.
func (b *Bus) Publish(e Event) {
	if b == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	b.mu.RLock()
	for _, s := range b.subs {
		select {
		case s.c <- e:
		default:
			s.dropped.Add(1)
		}
	}
	b.mu.RUnlock()
}
