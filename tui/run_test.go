package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
)

// runPiped runs the program with keys written to a pipe and the screen
// written to a buffer, and returns Run's result.
func runPiped(t *testing.T, ctx context.Context, src *fakeSource, keys string) error {
	t.Helper()
	in, w := io.Pipe()
	defer w.Close()
	var out bytes.Buffer
	m := newModel(src, Options{}, termenv.Ascii)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, m, Options{}, tea.WithInput(in), tea.WithOutput(&out))
	}()
	if keys != "" {
		time.Sleep(100 * time.Millisecond) // let the program start reading
		for _, k := range keys {
			if _, err := w.Write([]byte(string(k))); err != nil {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	select {
	case err := <-done:
		close(src.events) // as main unsubscribes: ends the event reader
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
		return nil
	}
}

func TestRunQuitDrains(t *testing.T) {
	src := newFakeSource()
	if err := runPiped(t, context.Background(), src, "q"); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if src.drains != 1 {
		t.Fatalf("Drain called %d times", src.drains)
	}
	src = newFakeSource()
	src.drainErr = errors.New("fake: stuck")
	if err := runPiped(t, context.Background(), src, "q"); !errors.Is(err, src.drainErr) {
		t.Fatalf("Run = %v, want the drain error", err)
	}
}

// blockingDrain never finishes draining, so the second ctrl+c decides.
type blockingDrain struct {
	*fakeSource
	release chan struct{}
}

func (b blockingDrain) Drain() error { <-b.release; return nil }

func TestRunSecondCtrlCForces(t *testing.T) {
	src := blockingDrain{newFakeSource(), make(chan struct{})}
	defer close(src.release)
	in, w := io.Pipe()
	defer w.Close()
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), newModel(src, Options{}, termenv.Ascii), Options{},
			tea.WithInput(in), tea.WithOutput(io.Discard))
	}()
	time.Sleep(100 * time.Millisecond)
	for range 2 {
		w.Write([]byte{0x03}) // ctrl+c
		time.Sleep(50 * time.Millisecond)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrForced) {
			t.Fatalf("Run = %v, want ErrForced", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
}

func TestRunContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(150*time.Millisecond, cancel)
	src := newFakeSource()
	if err := runPiped(t, ctx, src, ""); err != nil {
		t.Fatalf("Run = %v, want nil after cancel", err)
	}
	if src.drains != 0 {
		t.Fatal("cancelling ctx called Drain: main drains itself")
	}
}
