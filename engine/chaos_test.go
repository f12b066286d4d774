package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestChaos mixes normal jobs with crashes, soft errors, streams stopped
// early, max_jobs retirements and reloads, all at once. Normal jobs must
// never fail; failing jobs must fail with their own error; Close must leave
// no process and no goroutine behind.
func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos")
	}
	for _, relay := range []string{"pipes", "unix://chaos.sock"} {
		t.Run(relay, func(t *testing.T) { chaos(t, relay) })
	}
}

func chaos(t *testing.T, relay string) {
	baseline := runtime.NumGoroutine()
	fds := openFDs(t)
	cfg := helperConfig(t, "", 3)
	cfg.Server.Relay = relay
	cfg.Dir = t.TempDir()
	cfg.Pool.MaxJobs = 7
	cfg.Pool.Supervisor.ExecTTL = 2 * time.Second
	p, err := New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := sync.Map{}
	stop := make(chan struct{})
	var normal, crashes, soft, streams atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				switch n := rand.IntN(100); {
				case n < 4:
					_, _, err := execString(t, p, "crash", "")
					if !errors.Is(err, ErrWorkerCrashed) {
						t.Errorf("crash job: %v", err)
					}
					crashes.Add(1)
				case n < 12:
					_, _, err := execString(t, p, "error", "")
					var se *SoftError
					if !errors.As(err, &se) {
						t.Errorf("soft error job: %v", err)
					}
					soft.Add(1)
				case n < 22:
					r, err := p.Exec(context.Background(), Payload{Context: []byte("stream:50")})
					if err != nil {
						t.Errorf("stream: %v", err)
						continue
					}
					for k := 0; k < rand.IntN(8) && r.More(); k++ {
						if err := r.Next(context.Background()); err != nil {
							t.Errorf("stream next: %v", err)
							break
						}
					}
					if err := r.Stop(); err != nil {
						t.Errorf("stream stop: %v", err)
					}
					r.Release()
					streams.Add(1)
				default:
					want := fmt.Sprintf("g%d-%d", g, i)
					r, err := p.Exec(context.Background(), Payload{Context: []byte("c"), Body: []byte(want)})
					if err != nil {
						t.Errorf("normal job failed: %v", err)
						continue
					}
					if string(r.Body) != want {
						t.Errorf("normal job: got %q want %q", r.Body, want)
					}
					seen.Store(r.PID(), true)
					r.Release()
					normal.Add(1)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(150 * time.Millisecond):
			}
			if err := p.Reload(context.Background(), "test"); err != nil {
				t.Errorf("reload: %v", err)
			}
		}
	}()
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	wg.Wait()
	t.Logf("normal %d, crashes %d, soft errors %d, stopped streams %d; restarts %d",
		normal.Load(), crashes.Load(), soft.Load(), streams.Load(), p.Stats().Restarts)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	seen.Range(func(k, _ any) bool {
		if alive(k.(int)) {
			t.Errorf("worker %d alive after Close", k)
		}
		return true
	})
	waitFor(t, 3*time.Second, "goroutines to end", func() bool { return runtime.NumGoroutine() <= baseline+2 })
	if n := openFDs(t); n > fds+2 {
		t.Errorf("%d file descriptors open after Close, %d before New", n, fds)
	}
}

func openFDs(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	return len(ents)
}
