package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestBootMSCountsFromProcessStart: `phprun serve` reports boot_ms from the
// start of its process, not from the start of its pool. The server is
// stopped (SIGSTOP) right after exec and continued 500 ms later. Its
// boot_ms must cover those 500 ms plus the workers' boot (from the first
// "worker spawned" line to the startup line, both stamped by phprun), and
// must not exceed what the test measured from outside. A boot_ms counted
// from the pool's start covers the workers' boot only, however slow the
// machine. The summary also comes after the "worker ready" line of every
// worker it counts as ready.
func TestBootMSCountsFromProcessStart(t *testing.T) {
	if _, err := exec.LookPath("php"); err != nil {
		t.Skip("php is not installed")
	}
	bin, err := exec.LookPath("phprun") // installed on $PATH by TestMain
	if err != nil {
		t.Fatal(err)
	}
	addr, err := newLoopbackPorts().addr()
	if err != nil {
		t.Fatal(err)
	}
	skeleton, _ := filepath.Abs("php-skeleton")
	dir := t.TempDir()
	config := "version: \"3\"\nserver:\n  command: php " + filepath.Join(skeleton, "examples", "hello.php") +
		"\nhttp:\n  address: " + addr + "\n  pool:\n    num_workers: 1\nlogs:\n  level: debug\n"
	if err := os.WriteFile(filepath.Join(dir, "phprun.yaml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}

	const stopped = 500 * time.Millisecond
	cmd := exec.Command(bin, "serve", "--headless")
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Process.Signal(syscall.SIGSTOP)
	time.Sleep(stopped)
	_ = cmd.Process.Signal(syscall.SIGCONT)
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})

	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(60 * time.Second)
	var spawned time.Time
	readyLines := 0
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatal("phprun serve ended before it said it was serving")
			}
			var rec struct {
				Time   time.Time `json:"time"`
				Msg    string    `json:"msg"`
				BootMS *int64    `json:"boot_ms"`
				Ready  int       `json:"ready"`
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				continue // a worker's own output
			}
			if rec.Msg == "worker spawned" && spawned.IsZero() {
				spawned = rec.Time
			}
			if rec.Msg == "worker ready" {
				readyLines++
			}
			if rec.Msg != "phprun is serving" {
				continue
			}
			outside := time.Since(start)
			if rec.BootMS == nil || spawned.IsZero() {
				t.Fatalf("no boot_ms in the startup line, or no worker spawned before it: %s", line)
			}
			if rec.Ready < 1 || readyLines < rec.Ready {
				t.Errorf("the startup summary says %d workers ready, after %d \"worker ready\" lines", rec.Ready, readyLines)
			}
			boot := time.Duration(*rec.BootMS) * time.Millisecond
			if workers := rec.Time.Sub(spawned); boot < stopped+workers-time.Millisecond {
				t.Errorf("boot_ms = %v, but the process was stopped for %v right after exec and its workers took %v: boot_ms does not count from process start", boot, stopped, workers)
			}
			if boot > outside {
				t.Errorf("boot_ms = %v, more than the %v the test measured from exec to reading the line", boot, outside)
			}
			go func() { // drain so phprun never blocks on stderr
				for range lines {
				}
			}()
			return
		case <-timeout:
			t.Fatal("no startup line within 60s")
		}
	}
}
