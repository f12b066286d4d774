package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"
)

func TestStreamWithPingPong(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	for _, n := range []int{12, 5, 1} { // 5: PING on the final frame
		r, err := p.Exec(context.Background(), Payload{Context: []byte(fmt.Sprintf("stream:%d", n))})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for {
			got = append(got, string(r.Body))
			if !r.More() {
				break
			}
			if err := r.Next(context.Background()); err != nil {
				t.Fatalf("Next after %d chunks: %v", len(got), err)
			}
		}
		if len(got) != n || got[0] != "chunk1" || got[n-1] != fmt.Sprintf("chunk%d", n) {
			t.Fatalf("stream:%d got %v", n, got)
		}
		if err := r.Next(context.Background()); !errors.Is(err, io.EOF) {
			t.Errorf("Next after the end: %v, want io.EOF", err)
		}
		pid := r.PID()
		r.Release()
		r.Release() // idempotent
		// The worker is clean for the next job (every PING was answered).
		r2, err := p.Exec(context.Background(), Payload{Context: []byte("c"), Body: []byte("next")})
		if err != nil || string(r2.Body) != "next" || r2.PID() != pid {
			t.Fatalf("job after stream:%d: %v (pid %d vs %d)", n, err, r2.PID(), pid)
		}
		r2.Release()
	}
}

func TestStreamStopDrains(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	for _, stop := range []func(*Response) error{
		(*Response).Stop,
		func(r *Response) error { r.Release(); return nil },
	} {
		r, err := p.Exec(context.Background(), Payload{Context: []byte("stream:1000")})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Next(context.Background()); err != nil {
			t.Fatal(err)
		}
		pid := r.PID()
		if err := stop(r); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		r.Release() // after Stop: no effect
		if r.More() {
			t.Error("More after Stop")
		}
		if _, got, err := execString(t, p, "c", "after stop"); err != nil || got != "after stop" {
			t.Fatalf("job after a stopped stream: %q, %v", got, err)
		}
		if st := p.Stats(); st.Workers[0].PID != pid || st.Restarts != 0 {
			t.Errorf("worker should have been drained and reused: %+v", st)
		}
	}
}

func TestStreamStopTimeoutKills(t *testing.T) {
	cfg := helperConfig(t, "", 1)
	cfg.Pool.StreamTimeout = 150 * time.Millisecond
	p := newPool(t, cfg, nil)
	r, err := p.Exec(context.Background(), Payload{Context: []byte("streamhang")})
	if err != nil {
		t.Fatal(err)
	}
	if !r.More() || string(r.Body) != "first" {
		t.Fatalf("first chunk: %q more=%v", r.Body, r.More())
	}
	pid := r.PID()
	start := time.Now()
	if err := r.Stop(); !errors.Is(err, ErrStreamStopped) {
		t.Fatalf("Stop: %v, want ErrStreamStopped after the drain timeout", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > time.Second {
		t.Errorf("drain took %v, want about stream_timeout", d)
	}
	waitFor(t, 2*time.Second, "replacement", func() bool {
		st := p.Stats()
		return !alive(pid) && st.Count(StateReady) == 1
	})
}

func TestStreamNextHonoursExecTTLAndCtx(t *testing.T) {
	cfg := helperConfig(t, "", 1)
	cfg.Pool.Supervisor.ExecTTL = 150 * time.Millisecond
	p := newPool(t, cfg, nil)
	r, err := p.Exec(context.Background(), Payload{Context: []byte("streamhang")})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Next(context.Background()); !errors.Is(err, ErrExecTTL) {
		t.Fatalf("Next: %v, want ErrExecTTL", err)
	}
	r.Release()

	r, err = p.Exec(context.Background(), Payload{Context: []byte("streamhang")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := r.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next: %v, want DeadlineExceeded", err)
	}
	r.Release()
	if _, _, err := execString(t, p, "c", "b"); err != nil {
		t.Fatal(err)
	}
}
