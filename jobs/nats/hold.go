package nats

import (
	"context"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// held is a job fetched before its delay passed. The driver keeps the
// message (alive with InProgress, like a running delivery) and hands it
// out when due, rather than returning it with NakWithDelay: JetStream
// counts such a message against max_ack_pending either way, and a held
// job needs no redelivery from the server, whose failed redeliveries
// resend other messages on nats-server before 2.10.14 (dedupe.go). The
// count of held jobs is State's delayed.
type held struct {
	m jetstream.Msg
	t *time.Timer
}

// hold keeps m until left has passed, then hands it as a fetched message
// (or, the pipeline paused meanwhile, gives it back with Nak).
func (d *Driver) hold(ctx context.Context, m jetstream.Msg, left time.Duration) {
	h := &held{m: m}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		_ = m.Nak()
		return
	}
	d.held[h] = struct{}{}
	h.t = time.AfterFunc(left, func() {
		d.mu.Lock()
		_, mine := d.held[h]
		delete(d.held, h)
		d.mu.Unlock()
		if mine { // else Stop gave it back
			d.hand(ctx, m)
		}
	})
}
