package engine

import (
	"io"
	"os"
	"time"

	"github.com/phprun/phprun/engine/fdio"
)

// relay is the byte stream frames travel on: the child's stdin/stdout
// pair, or one accepted socket connection. Deadlines bound every exchange,
// so no goroutine per request is needed to enforce exec_ttl or ctx.
type relay interface {
	io.ReadWriter
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
	Close() error
}

// pipeRelay writes to the child's stdin and reads from its stdout. Both
// files come from os.Pipe, so they sit in the runtime poller and support
// deadlines (exec.Cmd.StdoutPipe would not give us that). Reads and writes
// are raw calls through package fdio, which keeps the runtime's sysmon
// from being woken on every exchange after an idle moment.
type pipeRelay struct {
	r     *os.File // parent end of the child's stdout
	w     *os.File // parent end of the child's stdin
	rd    io.Reader
	wr    io.Writer
	after afterRead
}

func newPipeRelay(r, w *os.File) *pipeRelay {
	p := &pipeRelay{r: r, w: w, rd: fdio.File(r), wr: fdio.File(w)}
	p.after.s, _ = p.rd.(*fdio.Stream)
	return p
}

func (p *pipeRelay) Read(b []byte) (int, error)  { return p.after.read(b, p.rd) }
func (p *pipeRelay) Write(b []byte) (int, error) { return p.wr.Write(b) }
func (p *pipeRelay) afterRead() *afterRead       { return p.after.available() }

func (p *pipeRelay) SetReadDeadline(t time.Time) error  { return p.r.SetReadDeadline(t) }
func (p *pipeRelay) SetWriteDeadline(t time.Time) error { return p.w.SetWriteDeadline(t) }

func (p *pipeRelay) Close() error {
	err := p.w.Close()
	if e := p.r.Close(); err == nil {
		err = e
	}
	return err
}

// afterRead lets a relay's next Read begin by sending the job, inside the
// read (fdio.Stream.ReadAfter): the reply is then waited for without a
// read that would find nothing, one system call fewer per job, and in
// engine benchmarks about 1 µs less Go CPU per job (docs/benchmarks.md).
// worker.exchange arms it for one Read at a time.
type afterRead struct {
	s     *fdio.Stream // nil where raw calls are not made
	first func(fd uintptr) (wait bool, err error)
}

// afterReader is a relay with an afterRead.
type afterReader interface {
	afterRead() *afterRead
}

// available returns a, or nil when the relay makes no raw calls.
func (a *afterRead) available() *afterRead {
	if a.s == nil {
		return nil
	}
	return a
}

// read is the relay's Read: the armed ReadAfter once, plain reads else.
func (a *afterRead) read(b []byte, plain io.Reader) (int, error) {
	if f := a.first; f != nil {
		a.first = nil
		return a.s.ReadAfter(b, f)
	}
	return plain.Read(b)
}
