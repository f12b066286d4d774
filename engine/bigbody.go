package engine

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// Large response bodies pass through in parts (Payload.StreamBody): the
// frame CRC covers only the header, so nothing needs the whole payload
// before the first byte goes on to the client.
const (
	// bigFrame: payloads above it are read in parts.
	bigFrame = 256 << 10
	// bodyHead is how much body is read with the context of a big frame.
	bodyHead = 64 << 10
)

// readReply reads a response frame into w.fr. For a job with streamBody, a
// data frame over bigFrame is read up to its context and the first
// bodyHead bytes of its body; the rest stays on the relay (Response.ReadBody).
func (w *worker) readReply() error {
	if !w.streamBody {
		return w.rd.ReadFrame(&w.fr)
	}
	if err := w.rd.ReadFrameStart(&w.fr); err != nil {
		return err
	}
	n := w.rd.Pending()
	keep := n
	f := &w.fr
	if n > bigFrame && f.NumOptions == 1 && f.Flags&(wire.Error|wire.Control) == 0 && int(f.Options[0]) <= n {
		keep = min(n, int(f.Options[0])+bodyHead)
	}
	p, err := w.rd.Payload(keep)
	f.Payload = p
	return err
}

// BodyRest is how many bytes of the current frame's body are still on the
// relay, to be read with ReadBody before Next. It is non-zero only for
// jobs sent with Payload.StreamBody.
func (r *Response) BodyRest() int {
	if r.w == nil {
		return 0
	}
	return r.w.rd.Pending()
}

// ReadBody reads the rest of the current frame's body into p, straight off
// the relay (bounded by exec_ttl like the rest of the job). It returns
// io.EOF when the body has been read whole. If the relay fails the worker
// is killed, r is done, and the error is a *WorkerError.
func (r *Response) ReadBody(p []byte) (int, error) {
	w := r.w
	if w == nil {
		return 0, errReleased
	}
	n, err := w.rd.ReadPayload(p)
	if err == nil || errors.Is(err, io.EOF) {
		return n, err
	}
	err = w.fail(context.Background(), r.op(), err)
	r.more = false
	r.finish(false)
	return n, err
}

// discardRest reads and drops what is left of the current frame's body,
// for at most stream_timeout, so that the worker can serve again. It
// reports false (and kills the worker) if that fails.
func (w *worker) discardRest() bool {
	if w.rd.Pending() == 0 {
		return true
	}
	_ = w.rl.SetReadDeadline(time.Now().Add(w.p.cfg.Pool.StreamTimeout))
	var buf [16 << 10]byte
	for w.rd.Pending() > 0 {
		if _, err := w.rd.ReadPayload(buf[:]); err != nil && !errors.Is(err, io.EOF) {
			w.p.kill(w, StateErrored)
			return false
		}
	}
	_ = w.rl.SetReadDeadline(time.Time{})
	return true
}
