package rpc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times. It is 100 on
// every Linux architecture Go supports (the kernel exports a fixed value to
// user space), and reading it properly needs cgo (sysconf).
const clockTicks = 100

// procSample is what /proc says about a process right now.
type procSample struct {
	rss        uint64  // resident set size in bytes
	cpuPercent float64 // CPU time over lifetime, as gopsutil's Percent(0)
}

// procSampler reads process figures from a proc filesystem. dir is "/proc"
// except in tests.
type procSampler struct {
	dir      string
	pageSize uint64
}

func newProcSampler() procSampler {
	return procSampler{dir: "/proc", pageSize: uint64(os.Getpagesize())}
}

// sample reads /proc/<pid>/stat and /proc/uptime. CPU% is user+system time
// divided by the time since the process started: the figure RoadRunner
// shows, an average over the worker's life rather than a momentary load.
func (p procSampler) sample(pid int) (procSample, error) {
	if pid <= 0 {
		return procSample{}, fmt.Errorf("rpc: proc: bad pid %d", pid)
	}
	stat, err := os.ReadFile(filepath.Join(p.dir, strconv.Itoa(pid), "stat"))
	if err != nil {
		return procSample{}, fmt.Errorf("rpc: proc: %w", err)
	}
	up, err := os.ReadFile(filepath.Join(p.dir, "uptime"))
	if err != nil {
		return procSample{}, fmt.Errorf("rpc: proc: %w", err)
	}
	f, err := parseStat(stat)
	if err != nil {
		return procSample{}, err
	}
	fields := bytes.Fields(up)
	if len(fields) == 0 {
		return procSample{}, errors.New("rpc: proc: empty uptime")
	}
	uptime, err := strconv.ParseFloat(string(fields[0]), 64)
	if err != nil {
		return procSample{}, fmt.Errorf("rpc: proc: uptime: %w", err)
	}
	s := procSample{rss: f.rssPages * p.pageSize}
	if life := uptime - float64(f.start)/clockTicks; life > 0 {
		s.cpuPercent = 100 * float64(f.utime+f.stime) / clockTicks / life
	}
	return s, nil
}

type statFields struct {
	utime, stime, start, rssPages uint64
}

// parseStat extracts fields 14, 15, 22 and 24 of /proc/<pid>/stat. The
// command name (field 2) is in parentheses and may itself contain spaces
// and parentheses, so counting starts after the last ')'.
func parseStat(b []byte) (statFields, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return statFields{}, errors.New("rpc: proc: stat: no command field")
	}
	// rest[0] is field 3 (state).
	rest := strings.Fields(string(b[i+1:]))
	if len(rest) < 22 {
		return statFields{}, fmt.Errorf("rpc: proc: stat: %d fields after the command, want 22+", len(rest))
	}
	var f statFields
	for _, x := range []struct {
		dst   *uint64
		field int
	}{{&f.utime, 14}, {&f.stime, 15}, {&f.start, 22}, {&f.rssPages, 24}} {
		v, err := strconv.ParseUint(rest[x.field-3], 10, 64)
		if err != nil {
			return statFields{}, fmt.Errorf("rpc: proc: stat field %d: %w", x.field, err)
		}
		*x.dst = v
	}
	return f, nil
}
