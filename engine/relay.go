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
	r  *os.File // parent end of the child's stdout
	w  *os.File // parent end of the child's stdin
	rd io.Reader
	wr io.Writer
}

func newPipeRelay(r, w *os.File) *pipeRelay {
	return &pipeRelay{r: r, w: w, rd: fdio.File(r), wr: fdio.File(w)}
}

func (p *pipeRelay) Read(b []byte) (int, error)  { return p.rd.Read(b) }
func (p *pipeRelay) Write(b []byte) (int, error) { return p.wr.Write(b) }

func (p *pipeRelay) SetReadDeadline(t time.Time) error  { return p.r.SetReadDeadline(t) }
func (p *pipeRelay) SetWriteDeadline(t time.Time) error { return p.w.SetWriteDeadline(t) }

func (p *pipeRelay) Close() error {
	err := p.w.Close()
	if e := p.r.Close(); err == nil {
		err = e
	}
	return err
}
