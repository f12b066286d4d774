package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Driver is one running pipeline's queue: memory, boltdb, amqp, nats. The
// jobs plugin opens one Driver per pipeline through the Constructor that
// main registered under the pipeline's driver name, and talks to it only
// through this interface; a broker's client library stays inside its
// driver package.
//
// What a driver must do (jobstest.Run checks each point against a real
// instance; every driver package runs it):
//
//   - Push stores one job durably for the driver's kind (memory: in
//     process) and returns once it is stored. It honours Job.Delay (the job
//     is not delivered before the delay has passed) and keeps Job.Headers
//     and Job.Priority; a Priority of 0 means the pipeline's priority. Push
//     works whether the pipeline is consuming or paused, and never blocks
//     for a consumer.
//   - Resume starts (or restarts) consuming: the driver hands each ready job
//     to the Queue given in Options, as a Delivery, lowest priority number
//     first. At most Options.Pipeline's prefetch deliveries are handed out
//     and not yet settled at any time. Resume on a consuming pipeline is a
//     no-op.
//   - Every Delivery is settled exactly once by the plugin with Ack
//     (done: forget it), Nack(requeue, delay) (requeue: deliver again after
//     delay, with the same ID; else drop it, or dead-letter it where the
//     broker has such a thing) or Requeue(headers, delay) (deliver again
//     after delay with headers merged into the job's, key by key). A second
//     settle returns ErrSettled. Settling after Pause or Stop still works.
//   - Auto-ack jobs (Job.AutoAck) are settled by the plugin with Ack before
//     they run; the driver needs nothing special.
//   - Pause stops handing out new deliveries; deliveries already handed out
//     stay valid. Pause on a pipeline that is not consuming returns
//     ErrNotConsuming.
//   - State reports the pipeline's counts without side effects.
//   - Stop ends consuming for good and releases the driver's resources.
//     Deliveries not yet settled must come back after a restart on durable
//     drivers (the plugin nacks them with requeue before Stop; a driver
//     must also survive never seeing that nack, e.g. on a crash). The
//     memory driver loses its jobs on Stop: documented.
//   - Destroy is Stop plus removing what Declare or Resume created on the
//     broker when the pipeline's config asks for it (delete_queue_on_stop,
//     delete_stream_on_stop); drivers without such state treat it as Stop.
//
// All methods are safe for concurrent use.
type Driver interface {
	// Push stores j in the pipeline. The driver must not keep j itself
	// past the call (the RPC service reuses one Job for a whole
	// PushBatch): it copies the fields it keeps. It may keep j.Payload
	// and j.Headers, which the caller hands over and never changes.
	Push(ctx context.Context, j *Job) error
	// Resume starts or resumes consuming into the Queue.
	Resume(ctx context.Context) error
	// Pause stops handing out new deliveries.
	Pause(ctx context.Context) error
	// State returns the pipeline's counts.
	State(ctx context.Context) (State, error)
	// Stop stops consuming and releases the driver's resources.
	Stop(ctx context.Context) error
	// Destroy stops and removes what the driver declared on a broker.
	Destroy(ctx context.Context) error
}

// Delivery is one job handed out by a Driver. The plugin settles it
// exactly once with Ack, Nack or Requeue.
type Delivery interface {
	// Job is the job as stored (ID, name, payload, headers); its
	// Priority is the effective one (the pipeline's when pushed with 0).
	// The plugin does not change it.
	Job() *Job
	// Ack: the job is done.
	Ack() error
	// Nack: the job failed. With requeue it is delivered again after
	// delay, else dropped (or dead-lettered).
	Nack(requeue bool, delay time.Duration) error
	// Requeue delivers the job again after delay, with headers merged in.
	Requeue(headers map[string][]string, delay time.Duration) error
}

// Queue receives what a consuming driver delivers: the plugin's shared
// priority queue, from which its pollers feed the jobs pool. Insert never
// blocks; the driver's prefetch bounds how much it holds.
type Queue interface {
	Insert(d Delivery)
}

// Options is what a Constructor gets to open one pipeline.
type Options struct {
	// Pipeline is the pipeline's name, driver and driver keys.
	Pipeline Pipeline
	// Queue receives the deliveries once the pipeline consumes.
	Queue Queue
	// Log is the plugin's logger, for connection loss and retries.
	Log *slog.Logger
	// Global holds the top-level config section named after the driver
	// (`amqp:`, `nats:`, `boltdb:`), nil when absent: brokers read their
	// address there, as RoadRunner does.
	Global map[string]any
}

// Constructor opens a pipeline's driver. It must not start consuming:
// the plugin calls Resume for pipelines in `consume`. A broker driver that
// cannot reach its broker returns an error wrapping ErrUnavailable; the
// plugin then retries with back-off while everything else serves.
type Constructor func(ctx context.Context, o Options) (Driver, error)

// State is a pipeline's counts, as RoadRunner's jobs.Stat reports them.
type State struct {
	// Queue is the broker queue, stream or file; "" when the driver has none.
	Queue string
	// Active is how many jobs are ready to be delivered (memory: queued).
	Active int64
	// Delayed is how many jobs wait for their delay to pass.
	Delayed int64
	// Reserved is how many deliveries are handed out and not yet settled.
	Reserved int64
	// Ready is true while the pipeline consumes.
	Ready bool
}

// Errors a driver returns; the plugin matches them with errors.Is.
var (
	// ErrNotConsuming: Pause on a pipeline that is not consuming. The text
	// is RoadRunner's, which clients may show.
	ErrNotConsuming = errors.New("no active listeners, nothing to pause")
	// ErrSettled: a Delivery was settled twice.
	ErrSettled = errors.New("jobs: delivery already settled")
	// ErrStopped: Push or Resume after Stop.
	ErrStopped = errors.New("jobs: pipeline stopped")
	// ErrUnavailable: the broker cannot be reached (now); retry later.
	ErrUnavailable = errors.New("jobs: broker unavailable")
)
