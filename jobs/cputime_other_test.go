//go:build !unix

package jobs_test

import "time"

// processCPU is not measured outside unix; the benchmark then reports
// no cpu-µs/op.
func processCPU() time.Duration { return 0 }
