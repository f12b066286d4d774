package service

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
)

// syncBuffer is a log destination tests can read while services write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newTestSupervisor returns a supervisor whose log and output lines the
// test can read; it is closed (every process stopped) at cleanup.
func newTestSupervisor(t *testing.T, services Services) (*Supervisor, *syncBuffer, *engine.Subscription) {
	t.Helper()
	logs := &syncBuffer{}
	bus := engine.NewBus()
	sub := bus.Subscribe(4096)
	s := New(services, Options{Logger: slog.New(slog.NewTextHandler(logs, nil)), Bus: bus})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := s.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
		bus.Unsubscribe(sub)
	})
	return s, logs, sub
}

// eventually polls cond every 20 ms for up to d.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lines collects output events of one pool until want lines arrived or d passed.
func lines(t *testing.T, sub *engine.Subscription, pool string, want int, d time.Duration) []engine.Event {
	t.Helper()
	var got []engine.Event
	timeout := time.After(d)
	for len(got) < want {
		select {
		case e := <-sub.C:
			if e.Kind == engine.EventWorkerOutput && e.Pool == pool {
				got = append(got, e)
			}
		case <-timeout:
			t.Fatalf("got %d output lines of %s, want %d: %v", len(got), pool, want, got)
		}
	}
	return got
}

// groupAlive reports whether any live (not zombie) process of the group
// led by pgid exists: killed children are reaped asynchronously by init.
func groupAlive(pgid int) bool {
	if err := syscall.Kill(-pgid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(b, ')')
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 2 && f[2] == strconv.Itoa(pgid) && f[0] != "Z" {
			return true
		}
	}
	return false
}

func firstStatus(t *testing.T, s *Supervisor, name string) Status {
	t.Helper()
	st, err := s.Statuses(name)
	if err != nil {
		t.Fatal(err)
	}
	return st[0]
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
