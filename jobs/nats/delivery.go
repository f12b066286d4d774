package nats

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/phprun/phprun/jobs"
)

// delivery is one fetched message handed to the plugin.
type delivery struct {
	d       *Driver
	m       jetstream.Msg
	job     *jobs.Job
	settled atomic.Bool
}

func (v *delivery) Job() *jobs.Job { return v.job }

// settle marks v settled once and frees its prefetch slot.
func (v *delivery) settle() error {
	if !v.settled.CompareAndSwap(false, true) {
		return jobs.ErrSettled
	}
	v.d.mu.Lock()
	delete(v.d.out, v)
	v.d.mu.Unlock()
	v.d.active.Add(-1)
	select {
	case v.d.settled <- struct{}{}:
	default:
	}
	return nil
}

// Ack acks the message; with delete_after_ack it is also removed from
// the stream.
func (v *delivery) Ack() error {
	if err := v.settle(); err != nil {
		return err
	}
	if err := v.m.Ack(); err != nil {
		return fmt.Errorf("nats: ack job %s: %w", v.job.ID, err)
	}
	if v.d.cfg.deleteAfterAck {
		if meta, err := v.m.Metadata(); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if s, err := v.d.js.Stream(ctx, v.d.cfg.stream); err == nil {
				_ = s.DeleteMsg(ctx, meta.Sequence.Stream)
			}
		}
	}
	return nil
}

// Nack with requeue redelivers after delay (NakWithDelay); without, the
// message is terminated: JetStream will not deliver it again.
func (v *delivery) Nack(requeue bool, delay time.Duration) error {
	if err := v.settle(); err != nil {
		return err
	}
	var err error
	switch {
	case !requeue:
		err = v.m.Term()
	case delay > 0:
		err = v.d.putBack(v.m, v.job.ID, delay)
	default:
		err = v.m.Nak()
	}
	if err != nil {
		return fmt.Errorf("nats: nack job %s: %w", v.job.ID, err)
	}
	return nil
}

// Requeue publishes the job again with headers merged in (due after
// delay) and then acks this copy; if the publish fails the message is
// nacked instead, so the job is never lost.
func (v *delivery) Requeue(headers map[string][]string, delay time.Duration) error {
	if err := v.settle(); err != nil {
		return err
	}
	j := v.job.Clone()
	j.MergeHeaders(headers)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := v.d.publish(ctx, j, delay); err != nil {
		_ = v.m.NakWithDelay(delay)
		return fmt.Errorf("nats: requeue job %s: %w", j.ID, err)
	}
	if err := v.m.Ack(); err != nil {
		return fmt.Errorf("nats: ack requeued job %s: %w", j.ID, err)
	}
	return nil
}
