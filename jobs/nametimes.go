package jobs

import (
	"sync"
	"sync/atomic"
	"time"
)

// maxNames bounds the job names tracked: names come from clients.
const maxNames = 1024

// nameTimes keeps a running average of how long the jobs of each name
// (a PHP class, as a rule) take. A job whose name averages outlier or
// more goes last in a batch, or alone, so that no job is written behind
// it: jobs of one class tend to take alike. An average, not the last
// time, because on a busy host a short job is sometimes held up for a
// scheduler slice or two; that must not make its whole class "slow".
type nameTimes struct {
	mu    sync.RWMutex
	names map[string]*atomic.Int64 // guarded by mu; the entries are updated in place
}

// observe folds one job of name that took d into its name's average (an
// exponential moving average, 1/4 per job; a new name starts at d). It
// reports whether the name was slow before this job.
func (t *nameTimes) observe(name string, d time.Duration) (wasSlow bool) {
	t.mu.RLock()
	v := t.names[name]
	t.mu.RUnlock()
	if v == nil {
		t.mu.Lock()
		if v = t.names[name]; v == nil {
			if t.names == nil || len(t.names) >= maxNames {
				t.names = map[string]*atomic.Int64{} // start over rather than grow
			}
			v = new(atomic.Int64)
			v.Store(int64(d))
			t.names[name] = v
			t.mu.Unlock()
			return false
		}
		t.mu.Unlock()
	}
	old := v.Load()
	v.Store(old + (int64(d)-old)/4)
	return old >= int64(outlier)
}

// slow reports whether the jobs of name take outlier or more on average.
func (t *nameTimes) slow(name string) bool {
	t.mu.RLock()
	v := t.names[name]
	t.mu.RUnlock()
	return v != nil && v.Load() >= int64(outlier)
}
