package rpc

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/rpc"
	"sync"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// Codec encodes the arguments and replies of one frame codec that the
// server does not implement itself. Options.Proto takes one so that the kv
// and jobs services can bring protobuf without this package importing it.
type Codec interface {
	Unmarshal(data []byte, v any) error
	Marshal(v any) ([]byte, error)
}

// Errors a request can get back before any service runs.
var (
	errMsgpack = errors.New("rpc: msgpack codec is not supported")
	errProto   = errors.New("rpc: protobuf codec is not supported by this server")
)

// pickCodec chooses the request's codec from its flags in goridge's
// priority order (PROTOCOL.md 4.1); no codec bit means gob.
func pickCodec(flags byte) byte {
	switch {
	case flags&wire.CodecProto != 0:
		return wire.CodecProto
	case flags&wire.CodecJSON != 0:
		return wire.CodecJSON
	case flags&wire.CodecRaw != 0:
		return wire.CodecRaw
	case flags&wire.CodecMsgpack != 0:
		return wire.CodecMsgpack
	default:
		return wire.CodecGob
	}
}

// pending is what a response needs from its request: the caller's sequence
// number, codec and method name, all echoed back.
type pending struct {
	seq    uint32
	codec  byte
	method string
}

// serverCodec is a net/rpc ServerCodec over goridge frames, one per
// connection. net/rpc calls ReadRequestHeader and ReadRequestBody in pairs
// from one goroutine, and WriteResponse from the goroutines running calls.
//
// net/rpc's Request.Seq is not the caller's sequence number: the codec hands
// out its own ids so that two requests reusing a seq cannot mix up replies,
// and maps them back to the caller's seq in WriteResponse.
type serverCodec struct {
	conn  io.ReadWriteCloser
	proto Codec
	onBad func(err error, closing bool) // reports refused requests; never nil

	maxPayload uint32 // rpc.max_request_bytes

	// Owned by the reading goroutine.
	rd    *wire.Reader
	fr    wire.Frame
	body  []byte // the current request's argument; aliases rd's buffer
	codec byte   // the current request's codec
	next  uint64 // next request id

	mu       sync.Mutex
	inflight map[uint64]pending // guarded by mu; requests read but not answered
	payload  []byte             // guarded by mu; reply payload buffer
	out      []byte             // guarded by mu; reply frame buffer
	draining bool               // guarded by mu; stop reading new requests
}

var _ rpc.ServerCodec = (*serverCodec)(nil)

func newServerCodec(conn io.ReadWriteCloser, maxPayload uint32, proto Codec, onBad func(error, bool)) *serverCodec {
	return &serverCodec{
		conn:       conn,
		proto:      proto,
		onBad:      onBad,
		rd:         wire.NewReader(conn, 4<<10, maxPayload),
		maxPayload: maxPayload,
		inflight:   make(map[uint64]pending),
	}
}

// ReadRequestHeader reads one request frame. A frame that breaks the RPC
// framing (not two options, or a method length past the payload) gets an
// ERROR reply where possible and ends the connection: the stream can no
// longer be trusted. A well-formed request over rpc.max_request_bytes gets
// an ERROR reply and is stepped over (refuseTooLarge).
func (c *serverCodec) ReadRequestHeader(r *rpc.Request) error {
	for {
		err := c.rd.ReadFrame(&c.fr)
		if err == nil {
			break
		}
		if c.isDraining() || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
			return io.EOF // net/rpc ends the connection quietly
		}
		if errors.Is(err, wire.ErrTooLarge) {
			if c.refuseTooLarge() {
				continue
			}
			return fmt.Errorf("rpc: request of %d bytes exceeds rpc.max_request_bytes (%d)", c.fr.PayloadLen, c.maxPayload)
		}
		err = fmt.Errorf("rpc: read request: %w", err)
		c.onBad(err, true)
		return err
	}
	opts := c.fr.Opts()
	var bad error
	switch {
	case len(opts) != 2:
		bad = fmt.Errorf("rpc: malformed request: want 2 options [seq, method length], got %d", len(opts))
	case opts[1] > uint32(len(c.fr.Payload)):
		bad = fmt.Errorf("rpc: malformed request: method length %d exceeds payload length %d", opts[1], len(c.fr.Payload))
	}
	if bad != nil {
		var seq uint32
		if len(opts) > 0 {
			seq = opts[0]
		}
		c.onBad(bad, true)
		c.mu.Lock()
		_ = c.writeLocked(pending{seq: seq, codec: pickCodec(c.fr.Flags)}, nil, bad.Error())
		c.mu.Unlock()
		return bad
	}
	id := c.next
	c.next++
	p := pending{seq: opts[0], codec: pickCodec(c.fr.Flags), method: string(c.fr.Payload[:opts[1]])}
	c.codec, c.body = p.codec, c.fr.Payload[opts[1]:]
	c.mu.Lock()
	c.inflight[id] = p
	c.mu.Unlock()
	r.Seq, r.ServiceMethod = id, p.method
	return nil
}

// ReadRequestBody decodes the argument of the request just read. An empty
// argument leaves arg at its zero value, as goridge does.
func (c *serverCodec) ReadRequestBody(arg any) error {
	body := c.body
	c.body = nil
	if arg == nil { // net/rpc discarding the body of a bad request
		return nil
	}
	var err error
	switch c.codec {
	case wire.CodecMsgpack:
		return errMsgpack
	case wire.CodecProto:
		if c.proto == nil {
			return errProto
		}
		if len(body) > 0 {
			err = c.proto.Unmarshal(body, arg)
		}
	case wire.CodecRaw:
		p, ok := arg.(*[]byte)
		if !ok {
			return fmt.Errorf("rpc: raw codec needs a []byte argument, the method takes %T", arg)
		}
		*p = append((*p)[:0], body...)
	case wire.CodecJSON:
		if len(body) > 0 {
			err = json.Unmarshal(body, arg)
		}
	default:
		if len(body) > 0 {
			// A fresh decoder per message: every gob message carries its
			// own type definitions (PROTOCOL.md 4.1).
			err = gob.NewDecoder(bytes.NewReader(body)).Decode(arg)
		}
	}
	if err != nil {
		return fmt.Errorf("rpc: decode argument: %w", err)
	}
	return nil
}

// WriteResponse sends the reply, or an ERROR frame carrying r.Error, with
// the request's seq, method name and codec.
func (c *serverCodec) WriteResponse(r *rpc.Response, reply any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.inflight[r.Seq]
	if !ok { // cannot happen with net/rpc; answer in gob like goridge does
		p = pending{seq: uint32(r.Seq), codec: wire.CodecGob, method: r.ServiceMethod}
	}
	delete(c.inflight, r.Seq)
	return c.writeLocked(p, reply, r.Error)
}

// writeLocked encodes and writes one reply frame; errText != "" makes it an
// error reply. A reply that cannot be encoded is sent as an error instead.
func (c *serverCodec) writeLocked(p pending, reply any, errText string) error {
	flags := p.codec
	c.payload = append(c.payload[:0], p.method...)
	if errText == "" {
		var err error
		if c.payload, err = c.encode(c.payload, p.codec, reply); err != nil {
			errText = err.Error()
			c.payload = append(c.payload[:0], p.method...)
		}
	}
	if errText != "" {
		flags |= wire.Error
		c.payload = append(c.payload, errText...)
	}
	var err error
	c.out, err = wire.AppendFrame(c.out[:0], flags, 0, []uint32{p.seq, uint32(len(p.method))}, c.payload)
	if err != nil {
		return fmt.Errorf("rpc: write response: %w", err)
	}
	if _, err := c.conn.Write(c.out); err != nil {
		return fmt.Errorf("rpc: write response: %w", err)
	}
	return nil
}

// encode appends reply encoded with codec to dst.
func (c *serverCodec) encode(dst []byte, codec byte, reply any) ([]byte, error) {
	switch codec {
	case wire.CodecMsgpack:
		return dst, errMsgpack
	case wire.CodecProto:
		if c.proto == nil {
			return dst, errProto
		}
		b, err := c.proto.Marshal(reply)
		if err != nil {
			return dst, fmt.Errorf("rpc: encode reply: %w", err)
		}
		return append(dst, b...), nil
	case wire.CodecRaw:
		switch b := reply.(type) {
		case []byte:
			return append(dst, b...), nil
		case *[]byte:
			return append(dst, *b...), nil
		default:
			return dst, fmt.Errorf("rpc: raw codec needs a []byte reply, the method returns %T", reply)
		}
	case wire.CodecJSON:
		b, err := json.Marshal(reply)
		if err != nil {
			return dst, fmt.Errorf("rpc: encode reply: %w", err)
		}
		return append(dst, b...), nil
	default:
		buf := bytes.NewBuffer(dst)
		if err := gob.NewEncoder(buf).Encode(reply); err != nil {
			return dst, fmt.Errorf("rpc: encode reply: %w", err)
		}
		return buf.Bytes(), nil
	}
}

// drain makes the codec stop reading requests. Calls already read still get
// their replies; net/rpc then closes the codec. The blocked read is woken by
// an expired deadline, or by closing the connection if it has none.
func (c *serverCodec) drain() {
	c.mu.Lock()
	c.draining = true
	c.mu.Unlock()
	if d, ok := c.conn.(interface{ SetReadDeadline(time.Time) error }); ok {
		if d.SetReadDeadline(time.Now()) == nil {
			return
		}
	}
	_ = c.conn.Close()
}

func (c *serverCodec) isDraining() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.draining
}

// Close closes the connection.
func (c *serverCodec) Close() error { return c.conn.Close() }
