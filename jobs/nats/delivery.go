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
	seq     uint64 // stream sequence; 0 if the metadata was unreadable
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
	v.d.settledForGood(v.seq)
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
		v.d.settledForGood(v.seq)
		err = v.m.Term()
	case delay > 0:
		return v.republish(v.job.Clone(), delay, "nack")
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
	return v.republish(j, delay, "requeue")
}

// republish stores j again as a new message due after delay and acks this
// copy. A delay always travels in the message (phprun_not_before) and is
// waited out by the instance that fetches it (hold.go): JetStream's own
// NakWithDelay is not used, as a redelivery it fails to hand out makes
// nats-server before 2.10.14 resend another message (dedupe.go).
func (v *delivery) republish(j *jobs.Job, delay time.Duration, what string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := v.d.publish(ctx, j, delay); err != nil {
		_ = v.m.NakWithDelay(delay)
		return fmt.Errorf("nats: %s job %s: %w", what, j.ID, err)
	}
	v.d.settledForGood(v.seq) // the job lives on as a new message
	if err := v.m.Ack(); err != nil {
		return fmt.Errorf("nats: ack %sd job %s: %w", what, j.ID, err)
	}
	return nil
}

// settledForGood records that the message at seq is acked or terminated.
func (d *Driver) settledForGood(seq uint64) {
	if seq == 0 {
		return
	}
	d.mu.Lock()
	d.seen.settled(seq)
	d.mu.Unlock()
}
