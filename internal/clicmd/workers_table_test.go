package clicmd

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/rpc"
)

func TestRenderWorkers(t *testing.T) {
	now := time.Date(2026, 11, 21, 20, 3, 30, 0, time.UTC)
	list := []rpc.ProcessState{ // unsorted on purpose
		{Pid: 4243, Status: 2, StatusStr: "working", NumExecs: 1234567, MemoryUsage: 27_400_000, CPUPercent: 12.345, Created: now.Add(-3 * time.Minute).UnixNano()},
		{Pid: 101, Status: 1, StatusStr: "ready", NumExecs: 0, MemoryUsage: 999, CPUPercent: 0, Created: now.Add(-500 * time.Millisecond).UnixNano()},
		{Pid: 4242, Status: 8, StatusStr: "errored", NumExecs: 1000, MemoryUsage: 2_500_000_000, CPUPercent: 100, Created: now.Add(-26 * time.Hour).UnixNano()},
	}
	var plain, colored bytes.Buffer
	if err := renderWorkers(&plain, "http", list, now, false); err != nil {
		t.Fatal(err)
	}
	golden(t, "workers.golden", plain.Bytes())
	if strings.Contains(plain.String(), "\x1b") {
		t.Fatal("colour codes without colour")
	}
	if err := renderWorkers(&colored, "http", list, now, true); err != nil {
		t.Fatal(err)
	}
	golden(t, "workers-color.golden", colored.Bytes())

	var empty bytes.Buffer
	if err := renderWorkers(&empty, "jobs", nil, now, false); err != nil {
		t.Fatal(err)
	}
	golden(t, "workers-empty.golden", empty.Bytes())
}

func TestHumanize(t *testing.T) {
	for n, want := range map[uint64]string{
		0: "0 B", 9: "9 B", 10: "10 B", 999: "999 B", 1000: "1.0 kB", 1499: "1.5 kB",
		27_400_000: "27 MB", 2_500_000: "2.5 MB", 9_960_000: "10 MB", 1 << 40: "1.1 TB",
	} {
		if got := siBytes(n); got != want {
			t.Errorf("siBytes(%d) = %q, want %q", n, got, want)
		}
	}
	for n, want := range map[uint64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", 100000: "100,000"} {
		if got := commas(n); got != want {
			t.Errorf("commas(%d) = %q, want %q", n, got, want)
		}
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		0: "now", 900 * time.Millisecond: "now", time.Second: "1 second ago", 45 * time.Second: "45 seconds ago",
		90 * time.Second: "1 minute ago", 3 * time.Minute: "3 minutes ago", 61 * time.Minute: "1 hour ago",
		5 * time.Hour: "5 hours ago", 30 * time.Hour: "1 day ago", 3 * 24 * time.Hour: "3 days ago",
		8 * 24 * time.Hour: "1 week ago", 20 * 24 * time.Hour: "2 weeks ago", 40 * 24 * time.Hour: "1 month ago",
		100 * 24 * time.Hour: "3 months ago", 400 * 24 * time.Hour: "1 year ago", -5 * time.Minute: "5 minutes from now",
	} {
		if got := relTime(now.Add(-d), now); got != want {
			t.Errorf("relTime(-%v) = %q, want %q", d, got, want)
		}
	}
}
