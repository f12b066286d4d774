package fdio

import (
	"errors"
	"io"
	"os"
	"runtime"
	"testing"
	"time"
)

// stream returns f's Stream; ReadAfter exists where raw calls are made.
func stream(t *testing.T, f *os.File) *Stream {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("raw calls are made on Linux only")
	}
	s, ok := File(f).(*Stream)
	if !ok {
		t.Fatalf("File(%s) made no Stream", f.Name())
	}
	return s
}

func TestReadAfterSendsThenWaits(t *testing.T) {
	reqR, reqW := pipe(t)
	repR, repW := pipe(t)
	go func() { // the peer: answers one request
		b := make([]byte, 4)
		if _, err := io.ReadFull(reqR, b); err == nil {
			_, _ = repW.Write([]byte("pong"))
		}
	}()
	s := stream(t, repR)
	runs := 0
	buf := make([]byte, 16)
	n, err := s.ReadAfter(buf, func(uintptr) (bool, error) {
		runs++
		_, err := reqW.Write([]byte("ping"))
		return true, err
	})
	if err != nil || string(buf[:n]) != "pong" || runs != 1 {
		t.Fatalf("got %q, %v after %d runs of first; want \"pong\" after 1", buf[:n], err, runs)
	}
	// The next plain Read is unaffected.
	_, _ = repW.Write([]byte("more"))
	if n, err := s.Read(buf); err != nil || string(buf[:n]) != "more" {
		t.Fatalf("Read after ReadAfter: %q, %v", buf[:n], err)
	}
}

func TestReadAfterTrustsFirst(t *testing.T) {
	// What makes ReadAfter cheaper is that it does not read before it
	// waits when first says there is nothing yet. Bytes that arrived
	// earlier (their readiness already seen by the poller) therefore stay
	// unread until the deadline: the caller's first must look before it
	// says wait, as the engine's does.
	r, w := pipe(t)
	s := stream(t, r)
	if _, err := w.Write([]byte("stale")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // the poller takes note of them
	if err := r.SetReadDeadline(time.Now().Add(100 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	n, err := s.ReadAfter(buf, func(uintptr) (bool, error) { return true, nil })
	if !errors.Is(err, os.ErrDeadlineExceeded) || n != 0 {
		t.Fatalf("got %q, %v; want nothing read and the deadline", buf[:n], err)
	}
	_ = r.SetReadDeadline(time.Time{})
	if n, err := s.Read(buf); err != nil || string(buf[:n]) != "stale" {
		t.Fatalf("the bytes first did not look for: %q, %v", buf[:n], err)
	}
	// A first that does not ask to wait is followed by a read at once.
	_, _ = w.Write([]byte("now"))
	n, err = s.ReadAfter(buf, func(uintptr) (bool, error) { return false, nil })
	if err != nil || string(buf[:n]) != "now" {
		t.Fatalf("ReadAfter without waiting: %q, %v", buf[:n], err)
	}
}

func TestReadAfterFirstFails(t *testing.T) {
	r, w := pipe(t)
	s := stream(t, r)
	_, _ = w.Write([]byte("kept"))
	boom := errors.New("boom")
	buf := make([]byte, 16)
	if n, err := s.ReadAfter(buf, func(uintptr) (bool, error) { return false, boom }); n != 0 || err != boom {
		t.Fatalf("got %d, %v; want 0 and first's error", n, err)
	}
	if n, err := s.Read(buf); err != nil || string(buf[:n]) != "kept" {
		t.Fatalf("bytes after a failed first: %q, %v", buf[:n], err)
	}
}

func TestReadAfterRefusedRunsNoFirst(t *testing.T) {
	r, _ := pipe(t)
	s := stream(t, r)
	buf := make([]byte, 16)
	ran := false
	first := func(uintptr) (bool, error) { ran = true; return true, nil }
	if err := r.SetReadDeadline(time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadAfter(buf, first); !errors.Is(err, os.ErrDeadlineExceeded) || ran {
		t.Fatalf("past deadline: %v, first ran: %v", err, ran)
	}
	_ = r.SetReadDeadline(time.Time{})
	if _, err := s.ReadAfter(nil, first); err == nil || ran {
		t.Fatalf("empty buffer: %v, first ran: %v", err, ran)
	}
	r.Close()
	if _, err := s.ReadAfter(buf, first); err == nil || ran {
		t.Fatalf("closed: %v, first ran: %v", err, ran)
	}
}
