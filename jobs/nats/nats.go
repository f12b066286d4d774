// Package nats is the jobs driver for NATS JetStream (RoadRunner's `nats`
// driver): jobs are messages on a subject of a file-backed stream, consumed
// through a durable pull consumer named after the pipeline, so several
// phprun instances share the work. The nats client reconnects by itself;
// jobs are never acked before they are settled, so nothing is lost.
package nats

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/time/rate"

	"github.com/phprun/phprun/jobs"
)

// Name is the driver name pipelines use.
const Name = "nats"

// ackWait is how long JetStream waits for a settle before redelivering;
// deliveries still running are kept alive with InProgress every
// ackWait/3, so a long job is not redelivered while it runs.
const ackWait = 30 * time.Second

// Driver is one nats pipeline.
type Driver struct {
	cfg  config
	o    jobs.Options
	log  *slog.Logger
	nc   *nats.Conn
	js   jetstream.JetStream
	cons jetstream.Consumer
	done chan struct{} // closed by Stop

	mu        sync.Mutex
	consuming bool
	stopped   bool
	cancel    context.CancelFunc // ends the fetch loop; nil unless consuming
	loop      chan struct{}      // closed when the fetch loop has ended
	out       map[*delivery]struct{}
	// held are the jobs fetched before their delay passed, waiting here
	// until due (hold.go); their count is State's delayed.
	held map[*held]struct{}
	seen *seen // stream sequences handed out: see dedupe.go

	limit   *rate.Limiter // rate_limit; nil when unset
	settled chan struct{} // a token after each settle: the fetch loop may take more
	active  atomic.Int64  // deliveries handed out and not settled
}

// Open connects, creates the stream (or adds the subject to an existing
// one) and the pipeline's durable consumer, so pushes before anything
// consumes are kept. It does not consume. An unreachable server is
// jobs.ErrUnavailable, for the plugin to retry.
func Open(ctx context.Context, o jobs.Options) (jobs.Driver, error) {
	cfg, err := parseConfig(o)
	if err != nil {
		return nil, err
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	name := o.Pipeline.Name
	nc, err := nats.Connect(cfg.addr, nats.Name("phprun jobs "+name), nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			log.Error("nats: disconnected; reconnecting", "pipeline", name, "error", fmt.Sprint(err))
		}),
		nats.ReconnectHandler(func(*nats.Conn) { log.Info("nats: reconnected", "pipeline", name) }))
	if err != nil {
		return nil, fmt.Errorf("nats: pipeline %s: connect %s: %w: %w", name, cfg.addr, jobs.ErrUnavailable, err)
	}
	d := &Driver{cfg: cfg, o: o, log: log, nc: nc, done: make(chan struct{}), out: map[*delivery]struct{}{}, held: map[*held]struct{}{}, seen: newSeen(), settled: make(chan struct{}, 1),
		limit: newLimiter(cfg.rateLimit)}
	if d.js, err = jetstream.New(nc); err != nil {
		nc.Close()
		return nil, fmt.Errorf("nats: pipeline %s: %w", name, err)
	}
	if err := d.declare(ctx); err != nil {
		nc.Close()
		return nil, fmt.Errorf("nats: pipeline %s: %w", name, err)
	}
	go d.keepAlive()
	return d, nil
}

// declare makes sure the stream holds the subject and the consumer exists.
func (d *Driver) declare(ctx context.Context) error {
	c := d.cfg
	s, err := d.js.Stream(ctx, c.stream)
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
		if _, err = d.js.CreateStream(ctx, jetstream.StreamConfig{Name: c.stream, Subjects: []string{c.subject}, Storage: jetstream.FileStorage}); err != nil {
			return fmt.Errorf("create stream %s: %w", c.stream, err)
		}
	case err != nil:
		return fmt.Errorf("stream %s: %w", c.stream, err)
	default:
		sc := s.CachedInfo().Config
		if !slices.Contains(sc.Subjects, c.subject) {
			sc.Subjects = append(sc.Subjects, c.subject)
			if _, err := d.js.UpdateStream(ctx, sc); err != nil {
				return fmt.Errorf("add subject %s to stream %s: %w", c.subject, c.stream, err)
			}
		}
	}
	policy := jetstream.DeliverAllPolicy
	if c.deliverNew {
		policy = jetstream.DeliverNewPolicy
	}
	d.cons, err = d.js.CreateOrUpdateConsumer(ctx, c.stream, jetstream.ConsumerConfig{
		Durable: consumerName(d.o.Pipeline.Name), FilterSubject: c.subject, DeliverPolicy: policy,
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: ackWait, MaxAckPending: c.prefetch, MaxDeliver: -1,
	})
	if err != nil {
		return fmt.Errorf("consumer on stream %s: %w", c.stream, err)
	}
	return nil
}

// Push publishes j and returns once JetStream has stored it.
func (d *Driver) Push(ctx context.Context, j *jobs.Job) error {
	d.mu.Lock()
	stopped := d.stopped
	d.mu.Unlock()
	if stopped {
		return jobs.ErrStopped
	}
	if err := d.publish(ctx, j, j.Delay); err != nil {
		return fmt.Errorf("nats: push to %s: %w", d.o.Pipeline.Name, err)
	}
	return nil
}

func (d *Driver) publish(ctx context.Context, j *jobs.Job, delay time.Duration) error {
	m, err := encode(d.cfg.subject, j, delay)
	if err != nil {
		return err
	}
	if _, err := d.js.PublishMsg(ctx, m); err != nil {
		if !d.nc.IsConnected() {
			return fmt.Errorf("%w: %w", jobs.ErrUnavailable, err)
		}
		return err
	}
	return nil
}

// Resume starts the fetch loop.
func (d *Driver) Resume(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return jobs.ErrStopped
	}
	if d.consuming {
		return nil
	}
	if d.loop != nil { // a paused loop still winding down
		<-d.loop
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.consuming, d.cancel, d.loop = true, cancel, make(chan struct{})
	go d.fetch(ctx, d.loop)
	return nil
}

// fetch pulls at most prefetch minus what is handed out, and hands each
// due job to the plugin's queue; a job delayed into the future goes back
// with NakWithDelay for the time left.
func (d *Driver) fetch(ctx context.Context, loop chan struct{}) {
	defer close(loop)
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		if int(d.active.Load()) >= d.cfg.prefetch {
			select {
			case <-d.settled:
			case <-ctx.Done():
			}
			continue
		}
		// Ask for a whole prefetch window, not only the free part: the
		// server holds the consumer to max_ack_pending (= prefetch)
		// anyway, and a request left open fills as acks free slots,
		// where asking for the few free slots cost a round trip each
		// time a handful of jobs were settled.
		n := d.cfg.prefetch
		if d.limit != nil {
			// One at a time: a fetched message waiting for the rate is
			// not kept alive, so none may wait behind others.
			n = 1
		}
		batch, err := d.cons.Fetch(n, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			if ctx.Err() == nil {
				d.log.Error("nats: fetch failed; retrying", "pipeline", d.o.Pipeline.Name, "error", err.Error())
			}
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
			wait = min(2*wait, 5*time.Second)
			continue
		}
		wait = 100 * time.Millisecond
		for m := range batch.Messages() {
			d.hand(ctx, m)
		}
	}
}

// hand turns one fetched message into a delivery, or puts it back.
func (d *Driver) hand(ctx context.Context, m jetstream.Msg) {
	j, notBefore, err := decode(m.Headers(), m.Data(), d.o.Pipeline.Name, d.cfg.priority)
	switch {
	case err != nil:
		d.log.Error("nats: undecodable message dropped", "pipeline", d.o.Pipeline.Name, "error", err.Error())
		_ = m.Term()
		return
	case ctx.Err() != nil: // paused or stopped while fetching
		_ = m.Nak()
		return
	}
	if left := time.Until(notBefore); left > 0 {
		d.hold(ctx, m, left)
		return
	}
	if !waitRate(ctx, d.limit, len(j.Payload)) { // paused or stopped while waiting
		_ = m.Nak()
		return
	}
	v := &delivery{d: d, m: m, job: j}
	if meta, err := m.Metadata(); err == nil {
		v.seq = meta.Sequence.Stream
		if meta.NumDelivered == 1 && d.dropDuplicate(m, v.seq, j.ID) {
			return
		}
	}
	d.mu.Lock()
	if v.seq != 0 {
		d.seen.handed(v.seq)
	}
	d.out[v] = struct{}{}
	d.mu.Unlock()
	d.active.Add(1)
	d.o.Queue.Insert(v)
}

// dropDuplicate drops the server's second first-delivery of seq (see
// dedupe.go): acked again when this instance settled the original for
// good, so the server forgets it; else left alone, as the original's own
// settle decides.
func (d *Driver) dropDuplicate(m jetstream.Msg, seq uint64, id string) bool {
	d.mu.Lock()
	dup, done := d.seen.duplicate(seq)
	d.mu.Unlock()
	if !dup {
		return false
	}
	d.log.Warn("nats: the server delivered a job a second time as new (nats-server before 2.10.14); dropped", "pipeline", d.o.Pipeline.Name, "id", id, "seq", seq)
	if done {
		_ = m.Ack()
	}
	return true
}

// keepAlive tells JetStream that unsettled deliveries are still running.
func (d *Driver) keepAlive() {
	t := time.NewTicker(ackWait / 3)
	defer t.Stop()
	for {
		select {
		case <-d.done:
			return
		case <-t.C:
		}
		d.mu.Lock()
		for v := range d.out {
			_ = v.m.InProgress()
		}
		for h := range d.held {
			_ = h.m.InProgress()
		}
		d.mu.Unlock()
	}
}

// Pause ends the fetch loop; unsettled deliveries stay valid.
func (d *Driver) Pause(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.consuming {
		return jobs.ErrNotConsuming
	}
	d.consuming = false
	d.cancel()
	return nil
}

// State reports the consumer's pending count (jobs not yet fetched, a
// delayed one included until it is fetched), the delayed jobs this
// instance holds until due, and its unsettled deliveries.
func (d *Driver) State(ctx context.Context) (jobs.State, error) {
	d.mu.Lock()
	st := jobs.State{Queue: d.cfg.stream, Ready: d.consuming, Reserved: d.active.Load(), Delayed: int64(len(d.held))}
	d.mu.Unlock()
	ictx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if info, err := d.cons.Info(ictx); err == nil {
		st.Active = int64(info.NumPending)
	}
	return st, nil
}

// Stop ends consuming, puts unsettled deliveries back (a Nak, so they are
// redelivered at once rather than after ack_wait) and closes the
// connection.
func (d *Driver) Stop(context.Context) error { return d.stop(false) }

// Destroy is Stop, deleting the stream first when delete_stream_on_stop.
func (d *Driver) Destroy(context.Context) error { return d.stop(d.cfg.deleteStreamOnStop) }

func (d *Driver) stop(deleteStream bool) error {
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return nil
	}
	d.stopped = true
	close(d.done)
	if d.consuming {
		d.consuming = false
		d.cancel()
	}
	loop := d.loop
	d.mu.Unlock()
	if loop != nil {
		<-loop
	}
	d.mu.Lock()
	for v := range d.out {
		if v.settled.CompareAndSwap(false, true) {
			_ = v.m.Nak()
		}
	}
	clear(d.out)
	for h := range d.held {
		h.t.Stop()
		_ = h.m.Nak()
	}
	clear(d.held)
	d.mu.Unlock()
	var err error
	if deleteStream {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if derr := d.js.DeleteStream(ctx, d.cfg.stream); derr != nil {
			err = fmt.Errorf("nats: delete stream %s: %w", d.cfg.stream, derr)
		}
		cancel()
	}
	_ = d.nc.Flush()
	d.nc.Close()
	return err
}
