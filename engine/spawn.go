package engine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// spawnWorker starts one worker of generation gen and returns it once the
// PID handshake is done; the whole boot is bounded by allocate_timeout. On
// failure the process is gone and the error carries its last output lines.
func (p *Pool) spawnWorker(gen uint64) (*worker, error) {
	deadline := time.Now().Add(p.cfg.Pool.AllocateTimeout)
	proc, err := p.startProcess(gen, p.sock == nil)
	if err != nil {
		return nil, &WorkerError{Op: "spawn", Err: err}
	}
	p.publish(Event{Kind: EventWorkerSpawned, PID: proc.pid, Generation: gen})
	if p.sock == nil {
		rl := newPipeRelay(proc.stdout, proc.stdin)
		w := newWorker(p, proc, rl, nil, gen)
		if _, err := handshake(rl, w.rd, &w.fr, deadline); err != nil {
			return nil, w.bootError(err)
		}
		return w, nil
	}
	conn, rd, err := p.sock.wait(proc, deadline)
	if err != nil {
		w := &worker{p: p, proc: proc, pid: proc.pid, gen: gen, rl: nopRelay{}}
		return nil, w.bootError(err)
	}
	return newWorker(p, proc, conn, rd, gen), nil
}

// bootError ends a worker that failed to boot and explains why, with what
// it printed. PHP's "Could not open input file" becomes ErrScriptNotFound.
func (w *worker) bootError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errExitedEarly) {
		// The process is on its way out: let it finish printing.
		w.proc.waitFor(time.Second)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		err = fmt.Errorf("no PID handshake within allocate_timeout (%v)", w.p.cfg.Pool.AllocateTimeout)
	}
	w.proc.kill()
	<-w.proc.done
	w.closeRelay()
	w.proc.out.flush()
	if path := w.proc.out.scriptNotFound(); path != "" {
		err = w.p.scriptNotFound(path)
	} else if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errExitedEarly) {
		err = fmt.Errorf("%w before the PID handshake (%s)", errExitedEarly, w.proc.exitReason())
	}
	return &WorkerError{PID: w.pid, Op: "boot", Err: err, Output: w.proc.out.lastLines()}
}
