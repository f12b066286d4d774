//go:build linux

package engine

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/phprun/phprun/internal/procstat"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times. It is 100 on
// every Linux architecture Go supports (the kernel exports a fixed value to
// user space), and reading it properly needs cgo (sysconf).
const clockTicks = 100

// procReader reads process figures from a proc filesystem. dir is "/proc"
// except in tests.
type procReader struct {
	dir      string
	pageSize uint64
}

func newProcReader() procReader {
	return procReader{dir: "/proc", pageSize: uint64(os.Getpagesize())}
}

// read samples pid from <dir>/<pid>/stat and <dir>/uptime; now dates the
// start time.
func (r procReader) read(pid int, now time.Time) (ProcSample, error) {
	if pid <= 0 {
		return ProcSample{}, fmt.Errorf("engine: proc: bad pid %d", pid)
	}
	stat, err := os.ReadFile(filepath.Join(r.dir, strconv.Itoa(pid), "stat"))
	if err != nil {
		return ProcSample{}, fmt.Errorf("engine: proc: %w", err)
	}
	up, err := os.ReadFile(filepath.Join(r.dir, "uptime"))
	if err != nil {
		return ProcSample{}, fmt.Errorf("engine: proc: %w", err)
	}
	f, err := parseStat(stat)
	if err != nil {
		return ProcSample{}, err
	}
	fields := bytes.Fields(up)
	if len(fields) == 0 {
		return ProcSample{}, errors.New("engine: proc: empty uptime")
	}
	uptime, err := strconv.ParseFloat(string(fields[0]), 64)
	if err != nil {
		return ProcSample{}, fmt.Errorf("engine: proc: uptime: %w", err)
	}
	life := uptime - float64(f.start)/clockTicks
	s := ProcSample{RSS: f.rssPages * r.pageSize, Start: now.Add(-time.Duration(life * float64(time.Second)))}
	if life > 0 {
		s.CPUPercent = 100 * float64(f.utime+f.stime) / clockTicks / life
	}
	return s, nil
}

type statFields struct {
	utime, stime, start, rssPages uint64
}

// parseStat extracts fields 14, 15, 22 and 24 of /proc/<pid>/stat
// (internal/procstat reads the line).
func parseStat(b []byte) (statFields, error) {
	var f statFields
	for _, x := range []struct {
		dst   *uint64
		field int
	}{{&f.utime, 14}, {&f.stime, 15}, {&f.start, 22}, {&f.rssPages, 24}} {
		v, err := procstat.Field(b, x.field)
		if err != nil {
			return statFields{}, fmt.Errorf("engine: proc: stat: %w", err)
		}
		*x.dst = v
	}
	return f, nil
}
