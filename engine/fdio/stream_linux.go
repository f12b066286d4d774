package fdio

import (
	"syscall"
	"unsafe"
)

// maxRW caps one system call, as internal/poll does, so a huge buffer
// cannot hold the P in one call for long.
const maxRW = 1 << 30

// newStream returns a Stream for d, or nil when d is not a non-blocking
// descriptor.
func newStream(d descriptor, wrap func(string, syscall.Errno) error) *Stream {
	rc, err := d.SyscallConn()
	if err != nil {
		return nil
	}
	nonblock := false
	if rc.Control(func(fd uintptr) {
		flags, _, errno := syscall.RawSyscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
		nonblock = errno == 0 && flags&syscall.O_NONBLOCK != 0
	}) != nil || !nonblock {
		return nil
	}
	s := &Stream{rc: rc, std: d, wrap: wrap}
	s.rd.fn = s.rd.read
	s.rd.afterFn = s.rd.readAfter
	s.wr.fn = s.wr.write
	return s
}

// read is one read(2). It returns false on EAGAIN, which makes RawConn
// park the goroutine until the descriptor is readable and call it again.
func (c *call) read(fd uintptr) bool {
	n, errno := sysRW(syscall.SYS_READ, fd, c.p)
	switch errno {
	case syscall.EAGAIN:
		return false
	case 0:
		c.n = n
	default:
		c.errno = errno
	}
	return true
}

// write writes as much of c.p as the descriptor takes; it returns false
// when the buffer is full, so RawConn waits until it is writable again.
func (c *call) write(fd uintptr) bool {
	for c.n < len(c.p) {
		n, errno := sysRW(syscall.SYS_WRITE, fd, c.p[c.n:])
		switch errno {
		case syscall.EAGAIN:
			return false
		case 0:
			if n == 0 {
				return true // no progress: Write reports it
			}
			c.n += n
		default:
			c.errno = errno
			return true
		}
	}
	return true
}

// sysRW makes one read(2) or write(2) (trap) of at most maxRW bytes of p,
// again after EINTR. p is not empty.
func sysRW(trap, fd uintptr, p []byte) (int, syscall.Errno) {
	for {
		r, _, errno := syscall.RawSyscall(trap, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(min(len(p), maxRW)))
		if errno != syscall.EINTR {
			return int(r), errno
		}
	}
}
