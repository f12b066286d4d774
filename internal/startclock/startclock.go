// Package startclock tells how long ago the process started, for the
// boot_ms figure of `phprun serve` and the dashboard header: the time a
// user waits from exec to a serving server, not only the workers' boot.
//
// Two clocks, each a lower bound of the process's age, and Since reports
// the larger:
//   - the instant this package was initialised. Go initialises packages in
//     dependency order, the lexically smallest import path first among those
//     whose imports are done; this package imports only time, syscall and
//     internal/procstat (which imports only errors),
//     so it runs before nearly all of the binary's other packages
//     (TestInitBudget checks that little runs before it). It misses the
//     exec and the Go runtime's own start, a millisecond or two;
//   - on Linux, the kernel's start time of the process (/proc/self/stat),
//     which counts everything since the fork but comes in 10 ms ticks: one
//     tick is subtracted so it never overstates.
//
// It imports nothing else (no os, no strconv) to keep its place early in
// the initialisation order; internal/procstat is the stat-line parser it
// shares with the engine.
package startclock

import "time"

// start is set once, during package initialisation, and never written
// again: reading it needs no lock.
var start = time.Now()

// Since is how long the process has been running, at most a couple of
// milliseconds short (see the package comment).
func Since() time.Duration {
	d := time.Since(start)
	if k, ok := kernelAge(); ok && k > d {
		d = k
	}
	return d
}
