//go:build linux

package engine

import (
	"bytes"
	"os"
	"strconv"
	"time"
)

// clockTicks is USER_HZ, which is 100 on every Linux ABI Go supports.
const clockTicks = 100

// procUsage reads a process's resident memory and average CPU share since
// it started from /proc/<pid>/stat (one read, no allocation beyond the
// file buffer).
func procUsage(pid int, created time.Time) (rss uint64, cpu float64, ok bool) {
	var buf [512]byte
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	n, _ := f.Read(buf[:])
	f.Close()
	b := buf[:n]
	// The command name is in parentheses and may contain spaces: start
	// after the last ')'. Fields from there: 3 state … 14 utime 15 stime … 24 rss.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	fields := bytes.Fields(b[i+1:])
	if len(fields) < 22 {
		return 0, 0, false
	}
	utime, _ := strconv.ParseUint(string(fields[11]), 10, 64)
	stime, _ := strconv.ParseUint(string(fields[12]), 10, 64)
	pages, _ := strconv.ParseUint(string(fields[21]), 10, 64)
	rss = pages * uint64(os.Getpagesize())
	if age := time.Since(created).Seconds(); age > 0 {
		cpu = float64(utime+stime) / clockTicks / age * 100
	}
	return rss, cpu, true
}
