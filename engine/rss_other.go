//go:build !linux

package engine

import "time"

// procUsage is unavailable without /proc: max_worker_memory cannot be
// enforced and Stats shows zero RSS.
func procUsage(pid int, created time.Time) (rss uint64, cpu float64, ok bool) {
	return 0, 0, false
}
