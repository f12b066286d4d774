package engine

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/phprun/phprun/engine/fdio"
	"github.com/phprun/phprun/engine/wire"
)

// socketRelay is the tcp:// and unix:// relay: phprun listens, each worker
// process connects once, and the PID it returns in the handshake ties the
// connection to the process phprun spawned (PROTOCOL.md 2.2). A shell
// wrapper without exec therefore never matches: the boot fails after
// allocate_timeout with a message that says so.
type socketRelay struct {
	p  *Pool
	ln net.Listener

	mu      sync.Mutex // guards waiting, early, closed
	waiting map[int]chan accepted
	early   map[int]accepted // connections that arrived before their spawner asked
	closed  bool
}

// maxHandshakePayload bounds the PID reply read from a relay connection
// that has not identified itself yet ({"pid":N} is a few bytes).
const maxHandshakePayload = 4 << 10

// accepted is a connection whose handshake is done; rd may hold bytes
// already read from it.
type accepted struct {
	conn net.Conn
	rd   *wire.Reader
}

// listenRelay opens the listener for relay. A relative unix path is
// resolved against dir, as the worker (running in dir) resolves it.
func listenRelay(p *Pool, relay, dir string) (*socketRelay, error) {
	proto, addr, _ := strings.Cut(relay, "://")
	var ln net.Listener
	var err error
	switch strings.ToLower(proto) {
	case "tcp":
		ln, err = net.Listen("tcp", addr)
	case "unix":
		if !filepath.IsAbs(addr) && dir != "" {
			addr = filepath.Join(dir, addr)
		}
		// A socket file left by a phprun that died is stale: remove it.
		if fi, e := os.Lstat(addr); e == nil && fi.Mode()&os.ModeSocket != 0 {
			_ = os.Remove(addr)
		}
		ln, err = net.Listen("unix", addr)
	default:
		err = fmt.Errorf("unknown relay %q", relay)
	}
	if err != nil {
		return nil, fmt.Errorf("engine: relay %s: %w", relay, err)
	}
	s := &socketRelay{p: p, ln: ln, waiting: map[int]chan accepted{}, early: map[int]accepted{}}
	go s.accept()
	return s, nil
}

func (s *socketRelay) accept() {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.p.publish(Event{Kind: EventLog, Level: "warn", Message: "relay accept: " + err.Error()})
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go s.identify(conn)
	}
}

// identify runs the PID handshake on a fresh connection. Unlike
// RoadRunner, a failed handshake drops that one connection, never the
// accept loop.
func (s *socketRelay) identify(c net.Conn) {
	conn := newConnRelay(c)
	// Until the peer has answered the handshake it is any local process:
	// its reply may be small only (a PID), so a header announcing a large
	// payload ends the connection before anything is allocated for it.
	rd := wire.NewReader(conn, wire.DefaultBufferSize, maxHandshakePayload)
	var f wire.Frame
	timeout := s.p.cfg.Pool.AllocateTimeout
	pid, err := handshake(conn, rd, &f, time.Now().Add(timeout))
	if err != nil {
		conn.Close()
		s.p.publish(Event{Kind: EventLog, Level: "warn", Message: fmt.Sprintf("relay: connection from %s: handshake: %v", conn.RemoteAddr(), err)})
		return
	}
	rd.SetMaxPayload(maxPayload)
	a := accepted{conn: conn, rd: rd}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		conn.Close()
		return
	}
	if ch, ok := s.waiting[pid]; ok {
		delete(s.waiting, pid)
		ch <- a
		return
	}
	if old, ok := s.early[pid]; ok {
		old.conn.Close()
	}
	s.early[pid] = a
	// Nobody claims it within allocate_timeout: not one of ours.
	time.AfterFunc(timeout, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if x, ok := s.early[pid]; ok && x.conn == conn {
			delete(s.early, pid)
			conn.Close()
		}
	})
}

// wait returns the connection of proc once it has connected and answered
// the handshake, or fails at deadline, when proc exits, or on Close.
func (s *socketRelay) wait(proc *process, deadline time.Time) (net.Conn, *wire.Reader, error) {
	s.mu.Lock()
	if a, ok := s.early[proc.pid]; ok {
		delete(s.early, proc.pid)
		s.mu.Unlock()
		return a.conn, a.rd, nil
	}
	ch := make(chan accepted, 1)
	s.waiting[proc.pid] = ch
	s.mu.Unlock()

	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	var err error
	select {
	case a := <-ch:
		return a.conn, a.rd, nil
	case <-proc.done:
		err = errExitedEarly
	case <-t.C:
		err = fmt.Errorf("no connection from PID %d on the relay within allocate_timeout (%v); is the worker wrapped in a shell without exec?", proc.pid, s.p.cfg.Pool.AllocateTimeout)
	case <-s.p.quit:
		err = ErrPoolClosed
	}
	s.mu.Lock()
	delete(s.waiting, proc.pid)
	s.mu.Unlock()
	select {
	case a := <-ch: // arrived in the meantime
		a.conn.Close()
	default:
	}
	return nil, nil, err
}

func (s *socketRelay) close() error {
	s.mu.Lock()
	s.closed = true
	for pid, a := range s.early {
		a.conn.Close()
		delete(s.early, pid)
	}
	s.mu.Unlock()
	if err := s.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("engine: relay: %w", err)
	}
	return nil
}

// connRelay is a relay connection whose reads and writes are raw calls
// through package fdio, as pipeRelay's are.
type connRelay struct {
	net.Conn
	io    io.ReadWriter
	after afterRead
}

func newConnRelay(c net.Conn) *connRelay {
	r := &connRelay{Conn: c, io: fdio.Conn(c)}
	r.after.s, _ = r.io.(*fdio.Stream)
	return r
}

func (c *connRelay) Read(b []byte) (int, error)  { return c.after.read(b, c.io) }
func (c *connRelay) Write(b []byte) (int, error) { return c.io.Write(b) }
func (c *connRelay) afterRead() *afterRead       { return c.after.available() }

// nopRelay stands in for a relay that was never connected.
type nopRelay struct{}

func (nopRelay) Read([]byte) (int, error)         { return 0, net.ErrClosed }
func (nopRelay) Write([]byte) (int, error)        { return 0, net.ErrClosed }
func (nopRelay) SetReadDeadline(time.Time) error  { return nil }
func (nopRelay) SetWriteDeadline(time.Time) error { return nil }
func (nopRelay) Close() error                     { return nil }
