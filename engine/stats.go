package engine

import "time"

// Tag labels a job for observers: for HTTP, Kind is the method and Name the
// path. The engine only stores it while the job runs.
type Tag struct {
	Kind string
	Name string
}

// WorkerInfo is a snapshot of one worker.
type WorkerInfo struct {
	PID        int
	State      State
	Generation uint64
	NumExecs   uint64
	RSS        uint64 // resident memory in bytes, read from /proc
	CPUPercent float64
	Created    time.Time
	JobStart   time.Time // zero when the worker is not running a job
	Job        Tag       // the running job's tag
}

// Stats is a snapshot of a pool, built on demand by Pool.Stats.
type Stats struct {
	Pool       string
	Generation uint64
	Workers    []WorkerInfo // sorted by PID
	Queue      int          // jobs waiting for a worker
	Execs      uint64       // jobs answered since start
	Errors     uint64       // jobs that failed
	Restarts   uint64       // workers replaced after exits, crashes and limits
	BootError  string       // why workers cannot start (crash loop); "" when fine
}

// Count returns how many workers are in state s.
func (s Stats) Count(st State) int {
	n := 0
	for _, w := range s.Workers {
		if w.State == st {
			n++
		}
	}
	return n
}
