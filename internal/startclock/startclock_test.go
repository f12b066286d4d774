package startclock

import (
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"
)

func TestSinceCoversTheTestsRun(t *testing.T) {
	before := Since()
	time.Sleep(20 * time.Millisecond)
	if d := Since(); d < before+20*time.Millisecond {
		t.Fatalf("Since went from %v to %v across a 20ms sleep", before, d)
	}
}

// TestKernelAge: the kernel's age of this process is a lower bound, so it
// cannot exceed the age by package init by more than the exec and runtime
// start: well below a second on a quiet machine, over one for a -race test
// binary on a loaded 2-core box, so the bound is 10 s (a misread clock,
// e.g. ticks taken for another unit, is off by far more).
func TestKernelAge(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the kernel clock is read on Linux only")
	}
	k, ok := kernelAge()
	if !ok {
		t.Fatal("kernelAge: cannot read /proc/self/stat or CLOCK_BOOTTIME")
	}
	if init := time.Since(start); k > init+10*time.Second || k < 0 {
		t.Fatalf("kernel age %v, age by package init %v: too far apart", k, init)
	}
}

// TestChildPrintsSince is the child of TestSinceSeesAStoppedStart.
func TestChildPrintsSince(t *testing.T) {
	if os.Getenv("STARTCLOCK_CHILD") != "1" {
		t.Skip("run by TestSinceSeesAStoppedStart")
	}
	fmt.Printf("since=%v\n", Since())
}
