package service

import (
	"testing"
	"time"
)

// TestStatusReadsTheLastSample: a service's figures come from its
// once-a-second sample, so Status reads no files. A busy loop's CPU share
// (CPU time over life) changes with every 10 ms clock tick; read at each
// call it would differ across 30 calls over 300 ms, while the sample
// changes at most once in that time. The sample follows the process: its
// CPU share rises from one sample to the next.
func TestStatusReadsTheLastSample(t *testing.T) {
	s, _, _ := newTestSupervisor(t, Services{"busy": {Command: script(t, "while :; do :; done")}})
	s.Start()
	var first Status
	eventually(t, 5*time.Second, "a sample with CPU time", func() bool {
		first = firstStatus(t, s, "busy")
		return first.RSS > 0 && first.CPU > 0
	})
	distinct := map[float64]bool{}
	for range 30 {
		distinct[firstStatus(t, s, "busy").CPU] = true
		time.Sleep(10 * time.Millisecond)
	}
	if len(distinct) > 2 {
		t.Fatalf("%d different CPU figures in 300 ms: Status reads the process at each call", len(distinct))
	}
	eventually(t, 5*time.Second, "a newer sample", func() bool { return firstStatus(t, s, "busy").CPU != first.CPU })
}
