package amqp

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/phprun/phprun/jobs"
)

// delivery is one message handed to the plugin. It is settled on the
// channel it came from; after a reconnect that channel is gone and the
// broker has already put the message back, so settling reports an error.
type delivery struct {
	d       *Driver
	ch      *amqp.Channel
	gen     uint64
	tag     uint64
	job     *jobs.Job
	settled atomic.Bool
}

func (v *delivery) Job() *jobs.Job { return v.job }

// settle marks v settled once and keeps the reserved count of the
// current connection.
func (v *delivery) settle() error {
	if !v.settled.CompareAndSwap(false, true) {
		return jobs.ErrSettled
	}
	v.d.mu.Lock()
	if v.gen == v.d.gen {
		v.d.reserved.Add(-1)
	}
	v.d.mu.Unlock()
	return nil
}

func (v *delivery) Ack() error {
	if err := v.settle(); err != nil {
		return err
	}
	if err := v.ch.Ack(v.tag, v.d.cfg.multipleAck); err != nil {
		return fmt.Errorf("amqp: ack job %s: %w", v.job.ID, err)
	}
	return nil
}

// Nack with requeue and no delay puts the message back at once; with a
// delay it republishes through a delay queue and acks this copy. Without
// requeue the message is rejected (dead-lettered if the queue has
// x-dead-letter-exchange), unless requeue_on_fail asks to requeue.
func (v *delivery) Nack(requeue bool, delay time.Duration) error {
	if err := v.settle(); err != nil {
		return err
	}
	requeue = requeue || v.d.cfg.requeueOnFail
	if requeue && delay > 0 {
		return v.republish(v.job, delay)
	}
	if err := v.ch.Nack(v.tag, false, requeue); err != nil {
		return fmt.Errorf("amqp: nack job %s: %w", v.job.ID, err)
	}
	return nil
}

// Requeue republishes the job with headers merged in (after delay) and
// acks this copy.
func (v *delivery) Requeue(headers map[string][]string, delay time.Duration) error {
	if err := v.settle(); err != nil {
		return err
	}
	j := v.job.Clone()
	j.MergeHeaders(headers)
	return v.republish(j, delay)
}

// republish publishes j on the driver's current publishing channel and,
// once confirmed, acks the original; if publishing fails the original is
// put back instead, so the job is never lost.
func (v *delivery) republish(j *jobs.Job, delay time.Duration) error {
	v.d.mu.Lock()
	pub := v.d.pub
	v.d.mu.Unlock()
	if pub == nil {
		_ = v.ch.Nack(v.tag, false, true)
		return fmt.Errorf("amqp: requeue job %s: reconnecting: %w", j.ID, jobs.ErrUnavailable)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := v.d.publish(ctx, pub, j, delay); err != nil {
		_ = v.ch.Nack(v.tag, false, true)
		return fmt.Errorf("amqp: requeue job %s: %w", j.ID, err)
	}
	if err := v.ch.Ack(v.tag, false); err != nil {
		return fmt.Errorf("amqp: ack requeued job %s: %w", j.ID, err)
	}
	return nil
}
