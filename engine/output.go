package engine

import (
	"bytes"
	"strings"
	"sync"
)

// tailLines is how many output lines a worker keeps for error messages.
const tailLines = 20

// maxLine bounds one output line; longer lines are split.
const maxLine = 16 << 10

// output collects what a worker prints outside the protocol (stderr, and
// stray stdout bytes the frame reader skipped): each complete line is
// published as EventWorkerOutput tagged with the PID, and the last lines are
// kept to explain boot failures and crashes.
type output struct {
	p   *Pool
	pid int
	gen uint64

	mu       sync.Mutex // guards the fields below
	tail     [tailLines]string
	n        int          // lines ever kept
	partial  bytes.Buffer // stdout junk not yet ended by a newline
	notFound string       // path from PHP's "Could not open input file: <path>"
}

// line records one complete line.
func (o *output) line(s string) {
	s = strings.TrimRight(s, "\r\n")
	if s == "" {
		return
	}
	o.mu.Lock()
	o.tail[o.n%tailLines] = s
	o.n++
	if rest, ok := strings.CutPrefix(s, "Could not open input file: "); ok && o.notFound == "" {
		o.notFound = rest
	}
	o.mu.Unlock()
	o.p.publish(Event{Kind: EventWorkerOutput, PID: o.pid, Generation: o.gen, Message: s})
}

// junk receives stray stdout bytes from the frame reader; it splits them
// into lines, keeping an unterminated rest until more arrives or flush.
func (o *output) junk(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			o.mu.Lock()
			o.partial.Write(b)
			full := o.partial.Len() >= maxLine
			o.mu.Unlock()
			if full {
				o.flush()
			}
			return
		}
		o.mu.Lock()
		o.partial.Write(b[:i])
		s := o.partial.String()
		o.partial.Reset()
		o.mu.Unlock()
		o.line(s)
		b = b[i+1:]
	}
}

// flush publishes an unterminated stdout rest.
func (o *output) flush() {
	o.mu.Lock()
	s := o.partial.String()
	o.partial.Reset()
	o.mu.Unlock()
	o.line(s)
}

// lastLines returns the kept lines, oldest first, joined by newlines.
func (o *output) lastLines() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	start := max(0, o.n-tailLines)
	var sb strings.Builder
	for i := start; i < o.n; i++ {
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(o.tail[i%tailLines])
	}
	return sb.String()
}

// scriptNotFound returns the path PHP could not open, or "".
func (o *output) scriptNotFound() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.notFound
}
