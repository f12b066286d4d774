package fdio

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// Conn returns a reader and writer for c that make raw calls, or c itself
// when c does not qualify (see the package doc).
func Conn(c net.Conn) io.ReadWriter {
	d, ok := c.(descriptor)
	if !ok {
		return c
	}
	s := newStream(d, func(op string, errno syscall.Errno) error {
		// What net's conn.Read and conn.Write return for an errno.
		return &net.OpError{Op: op, Net: c.LocalAddr().Network(), Source: c.LocalAddr(),
			Addr: c.RemoteAddr(), Err: os.NewSyscallError(op, errno)}
	})
	if s == nil {
		return c
	}
	return s
}

// File returns a reader and writer for f (a pipe end from os.Pipe) that
// make raw calls, or f itself when f does not qualify.
func File(f *os.File) io.ReadWriter {
	s := newStream(f, func(op string, errno syscall.Errno) error {
		// What os.File.Read and Write return for an errno.
		return &os.PathError{Op: op, Path: f.Name(), Err: errno}
	})
	if s == nil {
		return f
	}
	return s
}

// descriptor is what Conn and File have in common.
type descriptor interface {
	io.ReadWriter
	syscall.Conn
}

// Stream makes raw reads and writes on one descriptor. One Read and one
// Write may run at the same time, as with net.Conn; two Reads may not.
type Stream struct {
	rc   syscall.RawConn
	std  io.ReadWriter // the descriptor's own methods, for errors from the poller
	wrap func(op string, errno syscall.Errno) error
	rd   call
	wr   call
}

// call is one raw read or write in progress. fn is the method value handed
// to RawConn, built once so that a call allocates nothing; afterFn (reads
// only) is ReadAfter's, which runs first before the reads.
type call struct {
	p     []byte
	n     int
	errno syscall.Errno
	fn    func(fd uintptr) bool

	afterFn  func(fd uintptr) bool
	first    func(fd uintptr) (wait bool, err error)
	firstRan bool
	firstErr error
}

// readAfter runs ReadAfter's first step once, then reads with fn.
func (c *call) readAfter(fd uintptr) bool {
	if f := c.first; f != nil {
		c.first, c.firstRan = nil, true
		wait, err := f(fd)
		if err != nil {
			c.firstErr = err
			return true
		}
		if wait {
			return false // park until readable; a read now would find nothing
		}
	}
	return c.fn(fd)
}

// Read reads into p like the descriptor's own Read.
func (s *Stream) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return s.std.Read(p)
	}
	n, errno, err := s.raw(&s.rd, p, false, s.rd.fn)
	switch {
	case err != nil:
		// The poller refused before any byte was read (a deadline passed,
		// the descriptor was closed): the descriptor's own Read gives the
		// error in the form callers expect, or reads if the cause is gone.
		return s.std.Read(p)
	case errno != 0:
		return 0, s.wrap("read", errno)
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// ReadAfter is Read with a first step that runs inside the read: once the
// poller has been told a read begins (which makes it forget readiness it
// saw earlier), first(fd) is called, then the read follows. first may send
// a request the peer answers on this descriptor. It returns wait when it
// knows there is nothing to read yet (it looked after it was called, with
// a zero-timeout poll, and the peer writes only in answer): ReadAfter then
// parks until the descriptor is readable instead of making a read that
// would find nothing, one system call fewer per exchange. Data that
// arrived before first ran may have no readiness left to wake the read,
// so a first that returns wait without having looked can hang it.
//
// An error from first is returned as it is, and nothing is read. If the
// poller refuses before first could run (the descriptor is closed, its
// read deadline has passed), its error is returned as RawConn gives it and
// first does not run; the caller tells the cases apart by whether first
// ran. Otherwise the result is Read's.
func (s *Stream) ReadAfter(p []byte, first func(fd uintptr) (wait bool, err error)) (int, error) {
	if len(p) == 0 {
		return 0, errEmptyRead // first does not run: nothing could take its answer
	}
	c := &s.rd
	c.first, c.firstRan, c.firstErr = first, false, nil
	n, errno, err := s.raw(c, p, false, c.afterFn)
	ran, ferr := c.firstRan, c.firstErr
	c.first, c.firstErr = nil, nil
	switch {
	case !ran:
		return 0, err
	case ferr != nil:
		return 0, ferr
	case err != nil:
		return s.std.Read(p) // as in Read: first has run, reading is what comes next
	case errno != 0:
		return 0, s.wrap("read", errno)
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

var errEmptyRead = errors.New("fdio: ReadAfter with an empty buffer")

// Write writes all of p like the descriptor's own Write: on a full buffer
// it waits in the poller, then goes on.
func (s *Stream) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return s.std.Write(p)
	}
	n, errno, err := s.raw(&s.wr, p, true, s.wr.fn)
	switch {
	case err != nil:
		m, err := s.std.Write(p[n:])
		return n + m, err
	case errno != 0:
		return n, s.wrap("write", errno)
	case n < len(p):
		return n, io.ErrUnexpectedEOF // write(2) made no progress, as poll.FD.Write reports it
	}
	return n, nil
}

// raw runs c over p through the poller: fn (c.fn or c.afterFn) is called until it reports
// done, with the goroutine parked between calls while the descriptor is
// not ready. err is the poller's (deadline, closed), errno the call's.
func (s *Stream) raw(c *call, p []byte, write bool, fn func(fd uintptr) bool) (n int, errno syscall.Errno, err error) {
	c.p, c.n, c.errno = p, 0, 0
	if write {
		err = s.rc.Write(fn)
	} else {
		err = s.rc.Read(fn)
	}
	n, errno = c.n, c.errno
	c.p = nil
	return n, errno, err
}
