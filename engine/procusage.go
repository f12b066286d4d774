package engine

import "time"

// ProcUsage returns the resident memory and the average CPU share since
// started of any process (a worker or a supervised service), read from
// /proc on Linux. ok is false when the process is gone or the platform has
// no /proc. It is the engine's one sampler, shared so that every figure of
// a process is computed the same way.
func ProcUsage(pid int, started time.Time) (rss uint64, cpu float64, ok bool) {
	return procUsage(pid, started)
}
