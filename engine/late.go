package engine

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// lateWait bounds reading a frame that is already arriving on an idle
// worker's relay.
const lateWait = 100 * time.Millisecond

// errLate marks an idle worker that sent something other than a late error
// report: it is out of step with the server and must not get the job.
var errLate = errors.New("engine: worker sent a frame while it had no job")

// syncIdle runs before a job is written to w. A worker may only answer a
// job, yet PHP code can send a frame after its answer: roadrunner-http's
// README catches an exception with respond(500) followed by
// $worker->error(), which leaves an ERROR frame on the relay once the 500
// has been delivered. RoadRunner reads that stale frame as the answer to
// the next job, and from then on every client of that worker receives the
// answer meant for the previous one. phprun looks at the relay first: a
// late error report is logged and dropped, anything else retires the
// worker (the job then goes elsewhere). One zero-timeout poll per job.
func (w *worker) syncIdle() error {
	for w.rd.Buffered() > 0 || w.late.pending() {
		_ = w.rl.SetReadDeadline(time.Now().Add(lateWait))
		err := w.rd.ReadFrame(&w.fr)
		_ = w.rl.SetReadDeadline(time.Time{})
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) && w.rd.Buffered() == 0 {
				return nil // only stray output (already logged as such), no frame
			}
			return fmt.Errorf("%w: %v", errLate, err)
		}
		f := &w.fr
		if f.Flags&wire.Error == 0 || f.Flags&wire.Control != 0 {
			return fmt.Errorf("%w: flags %#x, %d options, %d bytes", errLate, f.Flags, f.NumOptions, len(f.Payload))
		}
		w.p.publish(Event{Kind: EventLog, Level: "warn", PID: w.pid, Generation: w.gen, Message: fmt.Sprintf(
			"worker %d reported an error after its response had been sent (respond() then error()); the error was dropped: %s",
			w.pid, f.Payload)})
	}
	return nil
}
