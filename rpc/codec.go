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
	"sync/atomic"
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

// appendMarshaler is what a Codec may also implement to encode a reply
// into the server's reply buffer, instead of into a slice of its own that
// the server then copies (protocodec does).
type appendMarshaler interface {
	MarshalAppend(dst []byte, v any) ([]byte, error)
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

// maxMethods bounds a connection's cache of method names (see method).
const maxMethods = 64

// serverCodec is a net/rpc ServerCodec over goridge frames, one per
// connection. The server serves a connection inline (Server.serveConn):
// one goroutine reads a request, runs the call and writes its reply before
// it reads the next, so everything but draining is owned by that
// goroutine and needs no lock. PHP's goridge clients wait for each reply
// before they send again; a Go client that pipelines gets its replies in
// order.
type serverCodec struct {
	conn  io.ReadWriteCloser
	proto Codec
	onBad func(err error, closing bool) // reports refused requests; never nil

	maxPayload uint32 // rpc.max_request_bytes

	// Owned by the connection's goroutine.
	rd      *wire.Reader
	fr      wire.Frame
	body    []byte            // the current request's argument; aliases rd's buffer
	cur     pending           // the current request, answered by WriteResponse
	payload []byte            // reply payload buffer
	out     []byte            // reply frame buffer
	methods map[string]string // method names seen, so a call does not allocate one
	done    bool              // the connection cannot go on (read or write failed)

	draining atomic.Bool // stop reading new requests; set by Server.Shutdown
}

var _ rpc.ServerCodec = (*serverCodec)(nil)

func newServerCodec(conn io.ReadWriteCloser, maxPayload uint32, proto Codec, onBad func(error, bool)) *serverCodec {
	return &serverCodec{
		conn:       conn,
		proto:      proto,
		onBad:      onBad,
		rd:         wire.NewReader(conn, 4<<10, maxPayload),
		maxPayload: maxPayload,
		methods:    make(map[string]string),
	}
}

// ReadRequestHeader reads one request frame. A frame that breaks the RPC
// framing (not two options, or a method length past the payload) gets an
// ERROR reply where possible and ends the connection: the stream can no
// longer be trusted. A well-formed request over rpc.max_request_bytes gets
// an ERROR reply and is stepped over (refuseTooLarge).
//
// Any error it returns ends the connection (done is set): net/rpc's
// ServeRequest returns errors for requests it answered and goes on from
// (unknown method, undecodable argument) too, and done is how the server
// tells the two apart.
func (c *serverCodec) ReadRequestHeader(r *rpc.Request) error {
	err := c.readHeader(r)
	if err != nil {
		c.done = true
	}
	return err
}

func (c *serverCodec) readHeader(r *rpc.Request) error {
	for {
		err := c.rd.ReadFrame(&c.fr)
		if err == nil {
			break
		}
		if c.draining.Load() || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
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
		_ = c.write(pending{seq: seq, codec: pickCodec(c.fr.Flags)}, nil, bad.Error())
		return bad
	}
	c.cur = pending{seq: opts[0], codec: pickCodec(c.fr.Flags), method: c.method(c.fr.Payload[:opts[1]])}
	c.body = c.fr.Payload[opts[1]:]
	r.Seq, r.ServiceMethod = uint64(c.cur.seq), c.cur.method
	return nil
}

// method returns name as a string, from the connection's cache when it was
// seen before: a PHP worker calls the same few methods all its life, and
// the lookup by string(name) does not allocate. The cache stops growing at
// maxMethods names so that a client inventing names cannot grow it.
func (c *serverCodec) method(name []byte) string {
	if m, ok := c.methods[string(name)]; ok {
		return m
	}
	m := string(name)
	if len(c.methods) < maxMethods {
		c.methods[m] = m
	}
	return m
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
	switch c.cur.codec {
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
// the current request's seq, method name and codec.
func (c *serverCodec) WriteResponse(r *rpc.Response, reply any) error {
	return c.write(c.cur, reply, r.Error)
}

// write encodes and writes one reply frame in one write; errText != ""
// makes it an error reply. A reply that cannot be encoded is sent as an
// error instead. A failed write ends the connection.
func (c *serverCodec) write(p pending, reply any, errText string) error {
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
		c.done = true
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
		if am, ok := c.proto.(appendMarshaler); ok {
			b, err := am.MarshalAppend(dst, reply)
			if err != nil {
				return dst, fmt.Errorf("rpc: encode reply: %w", err)
			}
			return b, nil
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

// drain makes the codec stop reading requests; safe from any goroutine.
// A call running finishes and its reply is written; requests already
// buffered are answered; then the read fails and the connection ends. The
// blocked read is woken by an expired deadline, or by closing the
// connection if it has none.
func (c *serverCodec) drain() {
	c.draining.Store(true)
	if d, ok := c.conn.(interface{ SetReadDeadline(time.Time) error }); ok {
		if d.SetReadDeadline(time.Now()) == nil {
			return
		}
	}
	_ = c.conn.Close()
}

// Close closes the connection; safe from any goroutine.
func (c *serverCodec) Close() error { return c.conn.Close() }
