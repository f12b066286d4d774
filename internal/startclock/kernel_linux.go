package startclock

import (
	"syscall"
	"time"
	"unsafe"
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

// parseStartTicks finds starttime in a /proc/<pid>/stat line. The command
// name (field 2) is in parentheses and may itself hold spaces and ')', so
// fields are counted from the last ')': starttime is the 20th after it.
func parseStartTicks(stat []byte) (uint64, bool) {
	i := len(stat) - 1
	for i >= 0 && stat[i] != ')' {
		i--
	}
	if i < 0 {
		return 0, false
	}
	field := 0
	for j := i + 1; j < len(stat); j++ {
		if stat[j] == ' ' {
			field++
			continue
		}
		if field != 20 {
			continue
		}
		var v uint64
		for ; j < len(stat) && stat[j] >= '0' && stat[j] <= '9'; j++ {
			v = v*10 + uint64(stat[j]-'0')
		}
		if j < len(stat) && stat[j] != ' ' {
			return 0, false
		}
		return v, true
	}
	return 0, false
}
