package rpc

import (
	"bytes"
	"io"
	"testing"

	"github.com/phprun/phprun/engine/wire"
)

// fuzzConn feeds fixed input to a codec and collects what it writes.
type fuzzConn struct {
	io.Reader
	out bytes.Buffer
}

func (c *fuzzConn) Write(b []byte) (int, error) { return c.out.Write(b) }
func (c *fuzzConn) Close() error                { return nil }

// FuzzServeCodec runs net/rpc with the goridge codec over arbitrary input.
// It must never panic or hang, and whatever it writes must be well-formed
// reply frames: a CRC-valid header with two options and a method length
// within the payload.
func FuzzServeCodec(f *testing.F) {
	frame := func(flags byte, opts []uint32, payload string) []byte {
		b, _ := wire.AppendFrame(nil, flags, 0, opts, []byte(payload))
		return b
	}
	f.Add(frame(wire.CodecJSON, []uint32{1, 16}, `informer.Workers"http"`))
	f.Add(frame(wire.CodecGob, []uint32{0, 13}, "informer.List\x03\x02\x00\x01"))
	f.Add(frame(wire.CodecRaw, []uint32{2, 14}, "resetter.Reset"))
	f.Add(frame(wire.CodecProto, []uint32{3, 11}, "rpc.Version\x08\x01"))
	f.Add(frame(wire.CodecJSON, []uint32{4}, "x"))
	f.Add(append(frame(wire.CodecJSON, []uint32{1, 13}, "informer.Listtrue"), frame(0, []uint32{2, 99}, "a")...))

	srv, err := NewServer(samplePools(), Options{MaxPayload: 1 << 16})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		conn := &fuzzConn{Reader: bytes.NewReader(in)}
		c := newServerCodec(conn, 1<<16, nil, func(error, bool) {})
		srv.rpc.ServeCodec(c) // returns at the end of input
		rd := wire.NewReader(bytes.NewReader(conn.out.Bytes()), 1024, 1<<20)
		for i := 0; ; i++ {
			var fr wire.Frame
			err := rd.ReadFrame(&fr)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("reply %d unreadable: %v", i, err)
			}
			if o := fr.Opts(); len(o) != 2 || o[1] > uint32(len(fr.Payload)) {
				t.Fatalf("reply %d: options %v, payload %d bytes", i, o, len(fr.Payload))
			}
		}
	})
}
