package rpc

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"io"
	"net/rpc"
	"sync/atomic"

	"github.com/phprun/phprun/engine/wire"
)

// clientCodec is a net/rpc ClientCodec over goridge frames, speaking gob
// like `rr` or JSON like the PHP clients. net/rpc serialises WriteRequest
// calls and reads responses from one goroutine.
type clientCodec struct {
	conn  io.ReadWriteCloser
	codec byte  // wire.CodecGob, wire.CodecJSON or wire.CodecProto
	proto Codec // with wire.CodecProto

	// Owned by the writer (net/rpc holds its request mutex).
	payload, out []byte

	// Owned by the reader.
	rd   *wire.Reader
	fr   wire.Frame
	body []byte

	// readErr is the error that ended the reader. net/rpc reports only
	// ErrShutdown to calls made after it, so Client.call reads this to say
	// why (e.g. a server that talks first with something not goridge).
	readErr atomic.Pointer[error]
}

var _ rpc.ClientCodec = (*clientCodec)(nil)

func newClientCodec(conn io.ReadWriteCloser, codec byte) *clientCodec {
	return &clientCodec{conn: conn, codec: codec, rd: wire.NewReader(conn, 4<<10, 1<<30)}
}

func (c *clientCodec) WriteRequest(r *rpc.Request, arg any) error {
	c.payload = append(c.payload[:0], r.ServiceMethod...)
	switch c.codec {
	case wire.CodecProto:
		b, err := c.proto.Marshal(arg)
		if err != nil {
			return fmt.Errorf("rpc: encode argument: %w", err)
		}
		c.payload = append(c.payload, b...)
	case wire.CodecJSON:
		b, err := json.Marshal(arg)
		if err != nil {
			return fmt.Errorf("rpc: encode argument: %w", err)
		}
		c.payload = append(c.payload, b...)
	default:
		buf := bytes.NewBuffer(c.payload)
		if err := gob.NewEncoder(buf).Encode(arg); err != nil {
			return fmt.Errorf("rpc: encode argument: %w", err)
		}
		c.payload = buf.Bytes()
	}
	var err error
	c.out, err = wire.AppendFrame(c.out[:0], c.codec, 0, []uint32{uint32(r.Seq), uint32(len(r.ServiceMethod))}, c.payload)
	if err != nil {
		return fmt.Errorf("rpc: write request: %w", err)
	}
	_, err = c.conn.Write(c.out)
	return err
}

func (c *clientCodec) ReadResponseHeader(r *rpc.Response) error {
	if err := c.rd.ReadFrame(&c.fr); err != nil {
		c.readErr.Store(&err)
		return err
	}
	opts := c.fr.Opts()
	if len(opts) != 2 || opts[1] > uint32(len(c.fr.Payload)) {
		return fmt.Errorf("rpc: malformed response: %d options, payload %d bytes", len(opts), len(c.fr.Payload))
	}
	r.Seq = uint64(opts[0])
	r.ServiceMethod = string(c.fr.Payload[:opts[1]])
	c.body = c.fr.Payload[opts[1]:]
	if c.fr.Flags&wire.Error != 0 {
		r.Error = string(c.body)
		if r.Error == "" {
			r.Error = "rpc: server returned an error without a message"
		}
	}
	return nil
}

func (c *clientCodec) ReadResponseBody(reply any) error {
	body := c.body
	c.body = nil
	if reply == nil || len(body) == 0 {
		return nil
	}
	var err error
	switch pickCodec(c.fr.Flags) {
	case wire.CodecProto:
		if c.proto == nil {
			return fmt.Errorf("rpc: decode reply: protobuf reply on a connection without a protobuf codec")
		}
		err = c.proto.Unmarshal(body, reply)
	case wire.CodecJSON:
		err = json.Unmarshal(body, reply)
	case wire.CodecGob:
		err = gob.NewDecoder(bytes.NewReader(body)).Decode(reply)
	default:
		err = fmt.Errorf("unexpected codec flags %#x", c.fr.Flags)
	}
	if err != nil {
		return fmt.Errorf("rpc: decode reply: %w", err)
	}
	return nil
}

func (c *clientCodec) Close() error { return c.conn.Close() }
