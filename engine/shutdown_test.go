package engine

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestCloseKillsBusyWorkersAfterDestroyTimeout(t *testing.T) {
	cfg := helperConfig(t, "", 2)
	cfg.Pool.DestroyTimeout = 200 * time.Millisecond
	p, err := New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var all []int
	for _, w := range p.Stats().Workers {
		all = append(all, w.PID)
	}
	res := make(chan error, 1)
	go func() {
		_, _, err := execString(t, p, "hang", "")
		res <- err
	}()
	waitFor(t, time.Second, "busy worker", func() bool { return p.Stats().Count(StateWorking) == 1 })
	start := time.Now()
	err = p.Close(context.Background())
	if err == nil {
		t.Error("Close with a job still running after destroy_timeout should say so")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := <-res; !errors.Is(err, ErrWorkerCrashed) {
		t.Errorf("hung job: %v", err)
	}
	for _, pid := range all {
		if alive(pid) {
			t.Errorf("worker %d survived Close", pid)
		}
	}
}

func TestCloseWaitsForRunningJobs(t *testing.T) {
	p, err := New(context.Background(), helperConfig(t, "", 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	go func() {
		_, got, err := execString(t, p, "sleep:200", "finished")
		if err == nil && got != "finished" {
			err = errors.New(got)
		}
		res <- err
	}()
	waitFor(t, time.Second, "busy worker", func() bool { return p.Stats().Count(StateWorking) == 1 })
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-res; err != nil {
		t.Fatalf("in-flight job failed on Close: %v", err)
	}
}

func TestWorkerChildrenDieWithWorker(t *testing.T) {
	p, err := New(context.Background(), helperConfig(t, "", 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, body, err := execString(t, p, "spawnchild", "")
	if err != nil {
		t.Fatal(err)
	}
	child, _ := strconv.Atoi(body)
	if !alive(child) {
		t.Fatalf("grandchild %d not running", child)
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "grandchild gone", func() bool { return !alive(child) })
}

func TestNoOrphansWhenOwnerIsKilled(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GO_WANT_HELPER_PROCESS=1", "HELPER_MODE=owner", "GORACE=atexit_sleep_ms=0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var workers []int
	sc := bufio.NewScanner(out)
	for sc.Scan() && sc.Text() != "ready" {
		pid, err := strconv.Atoi(sc.Text())
		if err != nil {
			t.Fatalf("owner: %s", sc.Text())
		}
		workers = append(workers, pid)
	}
	if len(workers) != 2 {
		t.Fatalf("owner reported %v", workers)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	waitFor(t, 3*time.Second, "workers of a SIGKILLed owner gone", func() bool {
		for _, pid := range workers {
			if alive(pid) {
				return false
			}
		}
		return true
	})
}

func TestCloseInterruptsBootAndQueue(t *testing.T) {
	// Close while jobs wait for a worker: they fail with ErrPoolClosed
	// instead of waiting for allocate_timeout.
	p, err := New(context.Background(), helperConfig(t, "", 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan error, 1)
	go func() { _, _, err := execString(t, p, "sleep:300", ""); held <- err }()
	waitFor(t, time.Second, "busy", func() bool { return p.Stats().Count(StateWorking) == 1 })
	queued := make(chan error, 1)
	go func() { _, _, err := execString(t, p, "c", "queued"); queued <- err }()
	waitFor(t, time.Second, "queued", func() bool { return p.Stats().Queue == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-queued; !errors.Is(err, ErrPoolClosed) {
		t.Errorf("queued job: %v, want ErrPoolClosed", err)
	}
	if err := <-held; err != nil {
		t.Errorf("running job: %v", err)
	}
}
