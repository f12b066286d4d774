package startclock

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseStartTicks(t *testing.T) {
	for _, tc := range []struct {
		stat string
		want uint64
		ok   bool
	}{
		{"1234 (php) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 3133440 359 18446744073709551615", 987654, true},
		{"1234 (a b) c)) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 42 3133440", 42, true},
		{"1234 (php) S 1 2", 0, false},
		{"no parenthesis", 0, false},
		{"1234 (php) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 9x9 1", 0, false},
	} {
		got, ok := parseStartTicks([]byte(tc.stat))
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseStartTicks(%q) = %d, %v; want %d, %v", tc.stat, got, ok, tc.want, tc.ok)
		}
	}
}

// TestSinceSeesAStoppedStart runs this test binary as a child that is
// stopped (SIGSTOP) right after exec, usually before its package init has
// run, and continued 300 ms later: the child's Since must count those
// 300 ms. The package-init clock alone misses them whenever the stop lands
// before init; the kernel clock counts them wherever it lands.
func TestSinceSeesAStoppedStart(t *testing.T) {
	const stopped = 300 * time.Millisecond
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildPrintsSince$")
	cmd.Env = append(os.Environ(), "STARTCLOCK_CHILD=1")
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Process.Signal(syscall.SIGSTOP)
	time.Sleep(stopped)
	_ = cmd.Process.Signal(syscall.SIGCONT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s", err, out.String())
	}
	line, _, _ := strings.Cut(out.String(), "\n")
	d, err := time.ParseDuration(strings.TrimPrefix(line, "since="))
	if err != nil || !strings.HasPrefix(line, "since=") {
		t.Fatalf("child printed %q", out.String())
	}
	if d < stopped {
		t.Fatalf("child's Since = %v, but it was stopped for %v after exec", d, stopped)
	}
}
