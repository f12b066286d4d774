package startclock

import (
	"syscall"
	"time"
	"unsafe"

	"github.com/phprun/phprun/internal/procstat"
)

// clockTick is the unit of /proc/<pid>/stat's starttime: USER_HZ, which
// Linux fixes at 100 for user space on every architecture.
const clockTick = 10 * time.Millisecond

// clockBoottime is CLOCK_BOOTTIME, the clock starttime is measured on.
const clockBoottime = 7

// kernelAge is the process's age by the kernel's start time, rounded down
// to a whole tick; false if it cannot be read.
func kernelAge() (time.Duration, bool) {
	ticks, ok := startTicks()
	if !ok {
		return 0, false
	}
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockBoottime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0, false
	}
	now := time.Duration(ts.Nano())
	age := now - time.Duration(ticks+1)*clockTick
	return age, age >= 0
}

// startTicks reads field 22 (starttime) of /proc/self/stat.
func startTicks() (uint64, bool) {
	fd, err := syscall.Open("/proc/self/stat", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 0, false
	}
	defer syscall.Close(fd)
	var buf [1024]byte
	n, err := syscall.Read(fd, buf[:])
	if err != nil || n <= 0 {
		return 0, false
	}
	return parseStartTicks(buf[:n])
}

// parseStartTicks reads starttime (field 22) of a /proc/<pid>/stat line.
func parseStartTicks(stat []byte) (uint64, bool) {
	v, err := procstat.Field(stat, 22)
	return v, err == nil
}
