package main

import (
	"os/exec"
	"testing"
)

// TestRunEveryMode makes a few exchanges each way with real PHP echo
// processes: every message gets its whole answer, and the run reports CPU
// and wall time, so the figures in docs/benchmarks.md come from exchanges
// that happened.
func TestRunEveryMode(t *testing.T) {
	if _, err := exec.LookPath("php"); err != nil {
		t.Skip("php not installed: the floor is measured against PHP processes")
	}
	for _, mode := range []string{"poll", "fdio", "block", "ahead"} {
		cpu, wall, err := run(mode, 200, 2, 256, 48, 8)
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if cpu <= 0 || wall <= 0 {
			t.Fatalf("%s: cpu %v, wall %v; want both above zero", mode, cpu, wall)
		}
	}
}
