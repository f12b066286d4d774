// Package procstat reads numeric fields of a /proc/<pid>/stat line. It is
// the one parser of that line: the engine samples workers and services with
// it, and startclock reads the process's own start time with it during
// package initialisation. For startclock's sake it imports only errors, so
// that it does not move startclock later in the initialisation order.
package procstat

import "errors"

var (
	errNoCommand = errors.New("procstat: no command field")
	errShort     = errors.New("procstat: fewer fields than asked for")
	errNotNumber = errors.New("procstat: field is not a decimal number")
)

// Field returns field n (1-based, as proc(5) numbers them) of a stat line.
// The command name (field 2) is in parentheses and may itself hold spaces
// and parentheses, so fields are counted after the last ')'.
func Field(stat []byte, n int) (uint64, error) {
	i := len(stat) - 1
	for i >= 0 && stat[i] != ')' {
		i--
	}
	if i < 0 {
		return 0, errNoCommand
	}
	if n < 3 {
		return 0, errNotNumber
	}
	field := 2
	for j := i + 1; j < len(stat); j++ {
		if stat[j] == ' ' || stat[j] == '\n' {
			continue
		}
		field++
		start := j
		for j < len(stat) && stat[j] != ' ' && stat[j] != '\n' {
			j++
		}
		if field == n {
			return parseUint(stat[start:j])
		}
	}
	return 0, errShort
}

// parseUint parses a decimal uint64, refusing anything else and overflow.
func parseUint(b []byte) (uint64, error) {
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, errNotNumber
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return 0, errNotNumber
		}
		v = v*10 + d
	}
	return v, nil
}
