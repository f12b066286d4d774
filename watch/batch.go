package watch

import (
	"sort"
	"time"
)

// maxLatencyFactor caps how long constant churn can postpone a batch: the
// batch goes out once its first change is this many Debounce periods old.
const maxLatencyFactor = 10

// Batch is one debounced set of changes: what one reload answers.
type Batch struct {
	// Paths are the matching files created, modified or removed, relative
	// to the project root (slash-separated; "../" for a watched directory
	// outside it), sorted, each once; never empty.
	Paths []string
	// At is when the first change in the batch was seen, so the caller can
	// report how long a change took to reach the workers.
	At time.Time
}

// debouncer collects changed paths until the tree has been quiet for quiet,
// or the oldest pending change is maxLatencyFactor×quiet old. It is owned by
// Run's goroutine (by New before that) and does no I/O or timing itself:
// callers pass the clock in, which keeps it deterministic to test.
type debouncer struct {
	quiet       time.Duration
	pending     map[string]struct{} // absolute paths
	first, last time.Time
}

func newDebouncer(quiet time.Duration) debouncer {
	return debouncer{quiet: quiet, pending: make(map[string]struct{})}
}

func (d *debouncer) empty() bool { return len(d.pending) == 0 }

// add records changes seen at now.
func (d *debouncer) add(now time.Time, paths ...string) {
	if len(paths) == 0 {
		return
	}
	if d.empty() {
		d.first = now
	}
	d.last = now
	for _, p := range paths {
		d.pending[p] = struct{}{}
	}
}

// due returns when the pending changes must be emitted.
func (d *debouncer) due() time.Time {
	quietEnd := d.last.Add(d.quiet)
	if capEnd := d.first.Add(maxLatencyFactor * d.quiet); capEnd.Before(quietEnd) {
		return capEnd
	}
	return quietEnd
}

// take empties the pending set into a Batch, with paths converted by rel.
func (d *debouncer) take(rel func(string) string) Batch {
	b := Batch{Paths: make([]string, 0, len(d.pending)), At: d.first}
	for p := range d.pending {
		b.Paths = append(b.Paths, rel(p))
	}
	sort.Strings(b.Paths)
	clear(d.pending)
	return b
}

// merge folds a later batch into b, for when the receiver has not taken b
// yet: one reload then covers both.
func (b *Batch) merge(later Batch) {
	seen := make(map[string]struct{}, len(b.Paths))
	for _, p := range b.Paths {
		seen[p] = struct{}{}
	}
	for _, p := range later.Paths {
		if _, ok := seen[p]; !ok {
			b.Paths = append(b.Paths, p)
		}
	}
	sort.Strings(b.Paths)
}
