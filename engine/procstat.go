package engine

import "time"

// ProcSample is what the kernel says about a process at one moment: its
// resident memory, its CPU share and when it started.
type ProcSample struct {
	RSS uint64 // resident set size in bytes
	// CPUPercent is user+system time divided by the time since the process
	// started: the figure RoadRunner shows (gopsutil's Percent(0)), an
	// average over the process's life rather than a momentary load.
	CPUPercent float64
	Start      time.Time // when the kernel started the process
}

// readProcFunc reads one process's figures at now (procReader.read).
type readProcFunc func(pid int, now time.Time) (ProcSample, error)

// ReadProc samples any process (a worker or a supervised service). It is
// the engine's one reader of process figures: the supervisor samples its
// workers with it on its tick and Stats reports the last sample, so that
// every figure of a process is computed one way and observers read no
// files. It fails when the process is gone or the platform has no /proc.
func ReadProc(pid int) (ProcSample, error) {
	return newProcReader().read(pid, time.Now())
}

// ProcUsage is ReadProc's RSS and CPU share; ok is false when ReadProc
// fails.
func ProcUsage(pid int) (rss uint64, cpu float64, ok bool) {
	s, err := ReadProc(pid)
	if err != nil {
		return 0, 0, false
	}
	return s.RSS, s.CPUPercent, true
}
