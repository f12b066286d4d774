package plugins

import (
	"sync"

	"github.com/phprun/phprun/jobs"
)

// jobsRing keeps the last finished jobs for the dashboard's Jobs pane.
// The jobs plugin adds from its pollers; the dashboard copies on its tick.
type jobsRing struct {
	mu   sync.Mutex
	buf  []jobs.Finished // guarded by mu; a ring of cap(buf)
	next int             // guarded by mu; where the next one goes
	n    int             // guarded by mu; how many are stored
}

func newJobsRing(size int) *jobsRing { return &jobsRing{buf: make([]jobs.Finished, size)} }

func (r *jobsRing) add(f jobs.Finished) {
	r.mu.Lock()
	r.buf[r.next] = f
	r.next = (r.next + 1) % len(r.buf)
	r.n = min(r.n+1, len(r.buf))
	r.mu.Unlock()
}

// last returns up to n finished jobs, newest first.
func (r *jobsRing) last(n int) []jobs.Finished {
	r.mu.Lock()
	defer r.mu.Unlock()
	n = min(n, r.n)
	out := make([]jobs.Finished, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, r.buf[(r.next-i+len(r.buf))%len(r.buf)])
	}
	return out
}
