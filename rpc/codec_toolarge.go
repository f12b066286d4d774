package rpc

import (
	"fmt"
)

// skipFactor bounds how large a refused request may be and still be
// stepped over: up to skipFactor × rpc.max_request_bytes (16 MiB at the
// default, kv's default max_value_size) the payload is read and dropped so
// the connection stays usable; beyond that the peer is not a client that
// overshot a limit, and the connection is closed.
const skipFactor = 16

// refuseTooLarge answers a request refused on its header (ReadFrame gave
// wire.ErrTooLarge, nothing of the payload read) with an ERROR reply
// carrying the caller's seq, then steps over its payload. It reports
// whether the connection can go on.
//
// A PHP worker keeps one RPC connection for its whole life (the official
// spiral clients and php-skeleton's): closing it would make every later
// kv, jobs or metrics call of that worker fail with a broken pipe, all for
// one value that was too large. Skipping costs reading the bytes, never
// holding them.
func (c *serverCodec) refuseTooLarge() bool {
	err := fmt.Errorf("rpc: request of %d bytes exceeds rpc.max_request_bytes (%d)", c.fr.PayloadLen, c.maxPayload)
	opts := c.fr.Opts()
	var seq uint32
	if len(opts) > 0 {
		seq = opts[0]
	}
	c.mu.Lock()
	werr := c.writeLocked(pending{seq: seq, codec: pickCodec(c.fr.Flags)}, nil, err.Error())
	c.mu.Unlock()
	wellFormed := len(opts) == 2 && opts[1] <= c.fr.PayloadLen
	skip := werr == nil && wellFormed && uint64(c.fr.PayloadLen) <= skipFactor*uint64(c.maxPayload)
	c.onBad(err, !skip)
	return skip && c.rd.Skip(c.fr.Size()+int(c.fr.PayloadLen)) == nil
}
