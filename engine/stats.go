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
	NumExecs   uint64 // jobs sent to it so far: live, read at the Stats call

	// RSS and CPUPercent are the supervisor's last sample of the process
	// (taken on its tick, at most a second apart, and right after spawn),
	// stamped SampledAt; zero before the first sample and where the
	// platform has no /proc. SampledExecs is NumExecs as it was at that
	// moment: growth between two samples belongs to the jobs between their
	// counts, whatever the live count is now. SampledIdle says no job ran
	// while the sample was taken, so its RSS holds only finished jobs.
	RSS          uint64 // resident memory in bytes
	CPUPercent   float64
	SampledAt    time.Time
	SampledExecs uint64
	SampledIdle  bool

	Created  time.Time
	JobStart time.Time // zero when the worker is not running a job
	Job      Tag       // the running job's tag
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
