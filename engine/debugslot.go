package engine

import (
	"context"
	"fmt"
)

// acquireDebug starts the fresh worker of one debug-mode job, once the
// previous one has exited: a debug pool runs one PHP process at a time, so
// a request paused at a breakpoint is the only one running and the others
// wait in arrival order (a channel wakes its senders first come, first
// served). The wait has no allocate_timeout, which would fail every
// request queued behind a breakpoint; it ends with the caller's context or
// Close. The slot is given back when the worker's process has exited,
// whatever ended it (served its one job, crashed, killed on Close).
func (p *Pool) acquireDebug(ctx context.Context, m *debugMode) (*worker, error) {
	select {
	case m.slot <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("engine: waiting for the debug worker: %w", ctx.Err())
	case <-p.quit:
		return nil, ErrPoolClosed
	}
	w, err := p.spawnDebug()
	if err != nil {
		<-m.slot
		return nil, err
	}
	w.noTTL = m.noTTL
	// One goroutine per debug job: each job starts a PHP process anyway,
	// and this is never the hot path.
	go func() {
		<-w.proc.done
		<-m.slot
	}()
	return w, nil
}
