package engine

import (
	"syscall"
	"unsafe"
)

// lateState polls an idle worker's relay without reading it. The raw
// connection and the callback are built once, so a poll allocates nothing.
type lateState struct {
	rc   syscall.RawConn
	poll func(fd uintptr)
	hit  bool
}

func (l *lateState) init(rl relay) {
	var sc syscall.Conn
	switch c := rl.(type) {
	case *pipeRelay:
		sc = c.r
	case *connRelay:
		sc, _ = c.Conn.(syscall.Conn)
	case syscall.Conn:
		sc = c
	}
	if sc == nil {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	l.rc = rc
	l.poll = l.pollFD
}

// pollFD is pollIn for pending.
func (l *lateState) pollFD(fd uintptr) { l.hit = pollIn(fd) }

// pollIn is ppoll(2) with a zero timeout: readable, hung up or in error all
// mean something is there to read. It never blocks, so it is a raw call
// (see package fdio for why that matters).
func pollIn(fd uintptr) bool {
	pfd := struct {
		fd      int32
		events  int16
		revents int16
	}{fd: int32(fd), events: 0x1} // POLLIN
	var ts syscall.Timespec
	n, _, errno := syscall.RawSyscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
	return errno == 0 && n > 0 && pfd.revents != 0
}

// pending reports whether the worker has written anything the server has
// not read.
func (l *lateState) pending() bool {
	if l.rc == nil {
		return false
	}
	l.hit = false
	if l.rc.Control(l.poll) != nil {
		return false
	}
	return l.hit
}
