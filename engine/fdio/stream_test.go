package fdio

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// raw reports whether rw makes raw calls; on Linux every descriptor the
// tests hand over must qualify, or the tests would only test os and net.
func raw(t *testing.T, rw io.ReadWriter) {
	t.Helper()
	_, ok := rw.(*Stream)
	if want := runtime.GOOS == "linux"; ok != want {
		t.Fatalf("got %T, want a *Stream: %v", rw, want)
	}
}

func pipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			accepted <- nil
			return
		}
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// pattern is n bytes that tell a shifted or dropped chunk apart.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// carry writes n bytes into w from another goroutine while the test reads
// them from r, and checks that every byte arrived, in order.
func carry(t *testing.T, w io.Writer, r io.Reader, n int) {
	t.Helper()
	want := pattern(n)
	wrote := make(chan error, 1)
	go func() {
		_, err := w.Write(want)
		wrote <- err
	}()
	got := make([]byte, n)
	if _, err := io.ReadFull(r, got); err != nil {
		t.Fatal(err)
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the bytes differ from byte %d on", commonPrefix(got, want))
	}
}

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// TestPipeCarriesMoreThanItsBuffer sends 1 MiB through a 64 KiB pipe, so
// the writer meets a full buffer and the reader an empty one many times:
// both wait in the poller and must lose no byte.
func TestPipeCarriesMoreThanItsBuffer(t *testing.T) {
	r, w := pipe(t)
	rr, ww := File(r), File(w)
	raw(t, rr)
	raw(t, ww)
	carry(t, ww, rr, 1<<20)
}

// TestConnBothWaysAtOnce echoes 4 MiB over TCP with one Read and one Write
// in flight on each Stream at the same time (run it with -race).
func TestConnBothWaysAtOnce(t *testing.T) {
	client, server := tcpPair(t)
	cs, ss := Conn(client), Conn(server)
	raw(t, cs)
	raw(t, ss)
	go func() { _, _ = io.Copy(ss, ss) }() // echo: reads and writes the same Stream
	carry(t, cs, cs, 4<<20)
}

// TestEndOfStream: a closed writer gives io.EOF, as os and net do.
func TestEndOfStream(t *testing.T) {
	r, w := pipe(t)
	rr := File(r)
	if _, err := w.Write([]byte("ab")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	buf := make([]byte, 8)
	if n, err := rr.Read(buf); n != 2 || err != nil {
		t.Fatalf("Read = %d, %v; want 2, nil", n, err)
	}
	if n, err := rr.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("Read = %d, %v; want 0, io.EOF", n, err)
	}
	if n, err := rr.Read(nil); n != 0 || err != nil {
		t.Fatalf("empty Read = %d, %v; want 0, nil", n, err)
	}
}

// TestDeadlineWhileWaiting: a Read parked in the poller ends at its
// deadline with the error os gives, and a later Read still works.
func TestDeadlineWhileWaiting(t *testing.T) {
	r, w := pipe(t)
	rr := File(r)
	raw(t, rr)
	if err := r.SetReadDeadline(time.Now().Add(30 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	_, err := rr.Read(make([]byte, 4))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read = %v, want a deadline error", err)
	}
	var pe *os.PathError
	if !errors.As(err, &pe) || pe.Op != "read" {
		t.Fatalf("Read error %#v is not the *os.PathError os.File gives", err)
	}
	_ = r.SetReadDeadline(time.Time{})
	if _, err := w.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if n, err := rr.Read(make([]byte, 4)); n != 1 || err != nil {
		t.Fatalf("Read after the deadline = %d, %v", n, err)
	}
}

// sameError fails unless fdio's error and the descriptor's own error for
// the same situation have the same text (after naming the addresses) and
// match the same sentinels.
func sameError(t *testing.T, what string, got, want error, sentinels ...error) {
	t.Helper()
	if got == nil || want == nil || got.Error() != want.Error() {
		t.Errorf("%s: fdio says %v, the descriptor itself says %v", what, got, want)
	}
	for _, s := range sentinels {
		if !errors.Is(got, s) {
			t.Errorf("%s: fdio's %v is not %v", what, got, s)
		}
	}
}

// TestErrorsAsTheDescriptorGivesThem puts a raw and a plain descriptor in
// the same situation and compares what their callers would see.
func TestErrorsAsTheDescriptorGivesThem(t *testing.T) {
	past := time.Now().Add(-time.Second)
	for _, tc := range []struct {
		name  string
		write bool
		setup func(t *testing.T) (raw, std io.ReadWriter) // the same descriptor twice
		is    error
	}{
		{"pipe read after close", false, func(t *testing.T) (io.ReadWriter, io.ReadWriter) {
			r, _ := pipe(t)
			rr := File(r)
			r.Close()
			return rr, r
		}, os.ErrClosed},
		{"pipe write without reader", true, func(t *testing.T) (io.ReadWriter, io.ReadWriter) {
			r, w := pipe(t)
			r.Close()
			return File(w), w
		}, syscall.EPIPE},
		{"pipe deadline passed", false, func(t *testing.T) (io.ReadWriter, io.ReadWriter) {
			r, _ := pipe(t)
			_ = r.SetReadDeadline(past)
			return File(r), r
		}, os.ErrDeadlineExceeded},
		{"conn read after close", false, func(t *testing.T) (io.ReadWriter, io.ReadWriter) {
			c, _ := tcpPair(t)
			cc := Conn(c)
			c.Close()
			return cc, c
		}, net.ErrClosed},
		{"conn write deadline passed", true, func(t *testing.T) (io.ReadWriter, io.ReadWriter) {
			c, _ := tcpPair(t)
			_ = c.SetWriteDeadline(past)
			return Conn(c), c
		}, os.ErrDeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rw, std := tc.setup(t)
			raw(t, rw)
			op, do := "read", func(x io.ReadWriter) error { _, err := x.Read(make([]byte, 1)); return err }
			if tc.write {
				op, do = "write", func(x io.ReadWriter) error { _, err := x.Write([]byte("x")); return err }
			}
			got := do(rw)
			sameError(t, op, got, do(std), tc.is)
			if errors.Is(tc.is, os.ErrDeadlineExceeded) {
				var ne net.Error
				if !errors.As(got, &ne) || !ne.Timeout() {
					t.Errorf("%v is no net.Error with Timeout", got)
				}
			}
		})
	}
	t.Run("conn reset by peer", func(t *testing.T) {
		// An errno cannot be asked for twice on one connection (the
		// kernel reports a reset once), so two connections are reset and
		// their texts compared with the addresses named.
		reset := func() (net.Conn, error) {
			c, s := tcpPair(t)
			_ = s.(*net.TCPConn).SetLinger(0)
			s.Close()
			time.Sleep(20 * time.Millisecond) // the RST crosses loopback
			return c, nil
		}
		c1, _ := reset()
		_, got := Conn(c1).Read(make([]byte, 1))
		c2, _ := reset()
		_, want := c2.Read(make([]byte, 1))
		name := func(err error, c net.Conn) error {
			if err == nil {
				return nil
			}
			s := strings.ReplaceAll(err.Error(), c.LocalAddr().String(), "LOCAL")
			return errors.New(strings.ReplaceAll(s, c.RemoteAddr().String(), "REMOTE"))
		}
		sameError(t, "read", name(got, c1), name(want, c2))
		if !errors.Is(got, syscall.ECONNRESET) {
			t.Errorf("%v is not ECONNRESET", got)
		}
		var oe *net.OpError
		if !errors.As(got, &oe) || oe.Op != "read" {
			t.Errorf("%#v is not the *net.OpError net gives", got)
		}
	})
}

// TestBlockingDescriptorIsLeftAlone: a descriptor in blocking mode would
// hold the P for as long as a raw call blocks, so it is handed back as is.
func TestBlockingDescriptorIsLeftAlone(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("raw calls are made on Linux only")
	}
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		t.Fatal(err)
	}
	r := os.NewFile(uintptr(fds[0]), "blocking-r")
	w := os.NewFile(uintptr(fds[1]), "blocking-w")
	defer r.Close()
	defer w.Close()
	if rw := File(r); rw != io.ReadWriter(r) {
		t.Fatalf("File(blocking pipe) = %T, want the *os.File itself", rw)
	}
}
