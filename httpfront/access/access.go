// Package access holds the access record of one answered HTTP request and
// the ring the dashboard reads them from. It is a leaf: httpfront builds
// the records, the dashboard (tui) and the metrics wiring read them, and
// the engine, which knows nothing of HTTP, never sees them.
package access

import (
	"sync"
	"time"
)

// Record describes one answered request. httpfront builds it only when
// someone asked for records, so the hot path pays nothing otherwise.
type Record struct {
	Time       time.Time // when the request arrived
	Method     string
	Path       string
	Query      string
	Proto      string
	RemoteAddr string
	Status     int
	Bytes      int64
	Duration   time.Duration
	QueueWait  time.Duration
	PID        int    // worker that answered, 0 if none (static file, error before exec)
	Error      string // why the request failed, if it did
}

// Ring keeps the last N access records in a fixed ring so that the
// dashboard can read them at its own pace; writers never wait on readers.
type Ring struct {
	mu   sync.Mutex // guards recs and seq
	recs []Record
	seq  uint64 // number of records ever added
}

// NewRing returns a ring holding the last size records.
func NewRing(size int) *Ring {
	return &Ring{recs: make([]Record, max(size, 1))}
}

// Add copies r into the ring.
func (a *Ring) Add(r *Record) {
	a.mu.Lock()
	a.recs[a.seq%uint64(len(a.recs))] = *r
	a.seq++
	a.mu.Unlock()
}

// Since appends to dst the records added after sequence number seq (oldest
// first) and returns the sequence number to pass next time. Records that
// were overwritten before the reader came back are skipped.
func (a *Ring) Since(seq uint64, dst []Record) ([]Record, uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := uint64(len(a.recs))
	if a.seq > n && seq < a.seq-n {
		seq = a.seq - n
	}
	for ; seq < a.seq; seq++ {
		dst = append(dst, a.recs[seq%n])
	}
	return dst, a.seq
}
