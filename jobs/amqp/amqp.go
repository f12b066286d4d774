// Package amqp is the jobs driver for RabbitMQ (RoadRunner's `amqp`
// driver): one exchange and queue per pipeline, publisher confirms on
// push, delays through dead-lettering TTL queues, and a redial loop that
// restores the topology and the consumer after the connection drops.
package amqp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/phprun/phprun/jobs"
)

// Name is the driver name pipelines use.
const Name = "amqp"

// Driver is one amqp pipeline.
type Driver struct {
	cfg  config
	o    jobs.Options
	log  *slog.Logger
	done chan struct{} // closed by Stop: ends the redial loop

	mu        sync.Mutex
	conn      *amqp.Connection // nil while reconnecting
	pub       *amqp.Channel    // confirm mode; nil while reconnecting
	cons      *amqp.Channel    // the consumer's channel; nil unless consuming
	gen       uint64           // bumped on every (re)connect
	consuming bool             // wanted state: Resume sets, Pause clears
	stopped   bool
	queue     string // the declared queue (the server names it when queue is "")
	tag       string // consumer tag
	// delayQueues are the delay queues this driver published to, with
	// when RabbitMQ drops each once unused (x-expires): State sums their
	// message counts as the delayed jobs.
	delayQueues map[string]time.Time

	reserved atomic.Int64 // deliveries handed out in this connection, not settled
}

// Open connects, declares the exchange, the queue and its binding (so a
// push before anything consumes is kept, unlike RoadRunner), and starts
// watching the connection. It does not consume. An unreachable broker is
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
	d := &Driver{cfg: cfg, o: o, log: log, done: make(chan struct{}), tag: cfg.consumerID, queue: cfg.queue, delayQueues: map[string]time.Time{}}
	if d.tag == "" {
		d.tag = "phprun-" + randomHex(8)
	}
	if err := d.connect(); err != nil {
		return nil, err
	}
	return d, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// connect dials, declares the topology, opens the publishing channel and,
// if the pipeline consumes, the consumer; then watches the connection.
func (d *Driver) connect() error {
	ac := amqp.Config{Heartbeat: 10 * time.Second, Dial: amqp.DefaultDial(5 * time.Second)}
	if d.cfg.tls.enabled() {
		u, err := amqp.ParseURI(d.cfg.addr)
		if err != nil {
			return fmt.Errorf("amqp: pipeline %s: %w", d.o.Pipeline.Name, err)
		}
		if ac.TLSClientConfig, err = d.cfg.tls.clientConfig(u.Host); err != nil {
			return fmt.Errorf("amqp: pipeline %s: %w", d.o.Pipeline.Name, err)
		}
	}
	conn, err := amqp.DialConfig(d.cfg.addr, ac)
	if err != nil && certificateError(err) {
		// Retrying cannot fix a certificate: say so at once.
		return fmt.Errorf("amqp: pipeline %s: TLS with %s (amqp.tls): %w", d.o.Pipeline.Name, redact(d.cfg.addr), err)
	}
	if err != nil {
		return fmt.Errorf("amqp: pipeline %s: dial %s: %w: %w", d.o.Pipeline.Name, redact(d.cfg.addr), jobs.ErrUnavailable, err)
	}
	fail := func(what string, err error) error {
		_ = conn.Close()
		return fmt.Errorf("amqp: pipeline %s: %s: %w", d.o.Pipeline.Name, what, err)
	}
	pub, err := conn.Channel()
	if err != nil {
		return fail("open channel", err)
	}
	if err := d.declare(pub); err != nil {
		return fail("declare", err)
	}
	if err := pub.Confirm(false); err != nil {
		return fail("confirm mode", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		_ = conn.Close()
		return jobs.ErrStopped
	}
	d.conn, d.pub = conn, pub
	d.gen++
	d.reserved.Store(0)
	if d.consuming {
		if err := d.consumeLocked(); err != nil {
			d.conn, d.pub = nil, nil
			return fail("consume", err)
		}
	}
	go d.watch(conn)
	return nil
}

// declare declares the exchange, the queue (keeping the name the server
// gives an unnamed one) and binds them.
func (d *Driver) declare(ch *amqp.Channel) error {
	c := d.cfg
	if err := ch.ExchangeDeclare(c.exchange, c.exchangeType, c.exchangeDurable, c.exchangeAutoDelete, false, false, nil); err != nil {
		return fmt.Errorf("exchange %s: %w", c.exchange, err)
	}
	q, err := ch.QueueDeclare(d.queueName(), c.durable, c.queueAutoDelete, c.exclusive, false, amqp.Table(c.queueHeaders))
	if err != nil {
		return fmt.Errorf("queue %s: %w", c.queue, err)
	}
	if err := ch.QueueBind(q.Name, c.routingKey, c.exchange, false, nil); err != nil {
		return fmt.Errorf("bind queue %s to %s: %w", q.Name, c.exchange, err)
	}
	d.mu.Lock()
	d.queue = q.Name
	d.mu.Unlock()
	return nil
}

func (d *Driver) queueName() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.queue
}

// watch waits for conn to close and, unless the driver stopped, redials
// with back-off (100 ms doubling to 5 s). Past redial_timeout it logs an
// error and keeps trying: a broker that comes back later is used again.
func (d *Driver) watch(conn *amqp.Connection) {
	closed := conn.NotifyClose(make(chan *amqp.Error, 1))
	var cause *amqp.Error
	select {
	case cause = <-closed:
	case <-d.done:
		return
	}
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return
	}
	d.conn, d.pub, d.cons = nil, nil, nil
	d.mu.Unlock()
	d.log.Error("amqp: connection lost; redialing", "pipeline", d.o.Pipeline.Name, "error", fmt.Sprint(cause))
	start, wait, warned := time.Now(), 100*time.Millisecond, false
	for {
		select {
		case <-d.done:
			return
		case <-time.After(wait):
		}
		err := d.connect()
		if err == nil {
			d.log.Info("amqp: reconnected", "pipeline", d.o.Pipeline.Name, "after", time.Since(start).Round(time.Millisecond).String())
			return
		}
		if errors.Is(err, jobs.ErrStopped) {
			return
		}
		if !warned && time.Since(start) > d.cfg.redialTimeout {
			warned = true
			d.log.Error("amqp: broker still unreachable after redial_timeout; still retrying", "pipeline", d.o.Pipeline.Name, "error", err.Error())
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// Push publishes j and waits for the broker's confirm, so a returned nil
// means the broker holds the job.
func (d *Driver) Push(ctx context.Context, j *jobs.Job) error {
	d.mu.Lock()
	pub, stopped := d.pub, d.stopped
	d.mu.Unlock()
	if stopped {
		return jobs.ErrStopped
	}
	if pub == nil {
		return fmt.Errorf("amqp: push to %s: reconnecting: %w", d.o.Pipeline.Name, jobs.ErrUnavailable)
	}
	if err := d.publish(ctx, pub, j, j.Delay); err != nil {
		return fmt.Errorf("amqp: push to %s: %w", d.o.Pipeline.Name, err)
	}
	return nil
}

// publish sends j to the exchange, or, with a delay, to a TTL queue
// (delayed-<ms>.<exchange>.<queue>) that dead-letters it into the
// exchange when the delay has passed: RoadRunner's scheme.
func (d *Driver) publish(ctx context.Context, ch *amqp.Channel, j *jobs.Job, delay time.Duration) error {
	msg, err := encode(j, d.cfg.durable)
	if err != nil {
		return err
	}
	exchange, key := d.cfg.exchange, d.cfg.routingKey
	if delay > 0 {
		ms := max(delay.Milliseconds(), 1)
		name := fmt.Sprintf("delayed-%d.%s.%s", ms, d.cfg.exchange, d.queueName())
		// Declared on every delayed publish: x-expires drops an unused
		// delay queue, and declaring counts as use.
		if _, err := ch.QueueDeclare(name, d.cfg.durable, false, false, false, amqp.Table{
			"x-dead-letter-exchange":    d.cfg.exchange,
			"x-dead-letter-routing-key": d.cfg.routingKey,
			"x-message-ttl":             ms,
			"x-expires":                 ms * 2,
		}); err != nil {
			return fmt.Errorf("declare delay queue %s: %w", name, err)
		}
		d.mu.Lock()
		d.delayQueues[name] = time.Now().Add(2 * time.Duration(ms) * time.Millisecond)
		d.mu.Unlock()
		exchange, key = "", name
	}
	conf, err := ch.PublishWithDeferredConfirmWithContext(ctx, exchange, key, false, false, msg)
	if err != nil {
		return err
	}
	ok, err := conf.WaitContext(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("broker refused the message (nack)")
	}
	return nil
}

// Resume starts consuming with a channel whose QoS is prefetch.
func (d *Driver) Resume(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return jobs.ErrStopped
	}
	if d.consuming {
		return nil
	}
	d.consuming = true
	if d.conn == nil {
		return nil // the redial loop starts the consumer
	}
	if err := d.consumeLocked(); err != nil {
		d.consuming = false
		return fmt.Errorf("amqp: resume %s: %w", d.o.Pipeline.Name, err)
	}
	return nil
}

// consumeLocked starts the consumer on the current connection. The
// channel stays open across Pause, so deliveries handed out before it
// can still be settled.
func (d *Driver) consumeLocked() error {
	if d.cons == nil {
		ch, err := d.conn.Channel()
		if err != nil {
			return err
		}
		if err := ch.Qos(d.cfg.prefetch, 0, false); err != nil {
			return err
		}
		d.cons = ch
	}
	msgs, err := d.cons.Consume(d.queue, d.tag, false, d.cfg.exclusive, false, false, nil)
	if err != nil {
		return err
	}
	go d.deliver(d.cons, d.gen, msgs)
	return nil
}

// deliver hands each message to the plugin's queue until the consumer is
// cancelled or the channel closes.
func (d *Driver) deliver(ch *amqp.Channel, gen uint64, msgs <-chan amqp.Delivery) {
	for m := range msgs {
		j, err := decode(&m, d.o.Pipeline.Name, d.cfg.priority)
		if err != nil {
			d.log.Error("amqp: undecodable message dropped", "pipeline", d.o.Pipeline.Name, "error", err.Error())
			_ = m.Nack(false, false)
			continue
		}
		d.reserved.Add(1)
		d.o.Queue.Insert(&delivery{d: d, ch: ch, gen: gen, tag: m.DeliveryTag, job: j})
	}
}

// Pause cancels the consumer; unsettled deliveries stay valid.
func (d *Driver) Pause(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.consuming {
		return jobs.ErrNotConsuming
	}
	d.consuming = false
	if d.cons != nil {
		if err := d.cons.Cancel(d.tag, false); err != nil {
			return fmt.Errorf("amqp: pause %s: %w", d.o.Pipeline.Name, err)
		}
	}
	return nil
}

// State asks the broker for the ready count of the queue and of the
// delay queues this driver published to (the delayed jobs), each on a
// short-lived channel (a failed passive declare closes its channel).
func (d *Driver) State(context.Context) (jobs.State, error) {
	now := time.Now()
	d.mu.Lock()
	conn, st := d.conn, jobs.State{Queue: d.queue, Ready: d.consuming && !d.stopped, Reserved: d.reserved.Load()}
	var delayQueues []string
	for name, expires := range d.delayQueues {
		if now.After(expires) {
			delete(d.delayQueues, name) // RabbitMQ has dropped it
			continue
		}
		delayQueues = append(delayQueues, name)
	}
	d.mu.Unlock()
	if conn == nil {
		return st, nil // reconnecting: counts unknown
	}
	if n, ok := messages(conn, st.Queue); ok {
		st.Active = n
	}
	for _, name := range delayQueues {
		if n, ok := messages(conn, name); ok {
			st.Delayed += n
		}
	}
	return st, nil
}

// messages is the ready count of an existing queue, false when it cannot
// be read (no such queue, connection lost).
func messages(conn *amqp.Connection, queue string) (int64, bool) {
	ch, err := conn.Channel()
	if err != nil {
		return 0, false
	}
	defer ch.Close()
	q, err := ch.QueueDeclarePassive(queue, false, false, false, false, nil)
	if err != nil {
		return 0, false
	}
	return int64(q.Messages), true
}

// Stop closes the connection: the broker puts unsettled deliveries back.
func (d *Driver) Stop(context.Context) error { return d.stop(false) }

// Destroy is Stop, deleting the queue first when delete_queue_on_stop.
func (d *Driver) Destroy(context.Context) error { return d.stop(d.cfg.deleteQueueOnStop) }

func (d *Driver) stop(deleteQueue bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return nil
	}
	d.stopped, d.consuming = true, false
	close(d.done)
	if d.conn == nil {
		return nil
	}
	var err error
	if deleteQueue && d.pub != nil {
		if _, derr := d.pub.QueueDelete(d.queue, false, false, false); derr != nil {
			err = fmt.Errorf("amqp: delete queue %s: %w", d.queue, derr)
		}
	}
	if cerr := d.conn.Close(); cerr != nil && !errors.Is(cerr, amqp.ErrClosed) && err == nil {
		err = fmt.Errorf("amqp: close %s: %w", d.o.Pipeline.Name, cerr)
	}
	d.conn, d.pub, d.cons = nil, nil, nil
	return err
}

// redact hides the password in an AMQP URL for logs and errors.
func redact(addr string) string {
	u, err := amqp.ParseURI(addr)
	if err != nil {
		return "(unparsable address)"
	}
	u.Password = ""
	return u.String()
}
