package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goldenFrames are the byte vectors of PROTOCOL.md 1.7. Where the document
// elides the payload ("…") only the header and options are compared.
var goldenFrames = []struct {
	name    string
	flags   byte
	byte10  byte
	opts    []uint32
	payload string
	hex     string
}{
	{"pid request", Control | CodecJSON, 0, nil, `{"pid":12345}`,
		"13 09 0d 00 00 00 3a 6b fa cb 00 00 7b 22 70 69 64 22 3a 31 32 33 34 35 7d"},
	{"pid reply", Control, 0, nil, `{"pid":4242}`,
		"13 01 0c 00 00 00 9e 47 36 43 00 00 7b 22 70 69 64 22 3a 34 32 34 32 7d"},
	{"pong", 0, Pong, nil, "", "13 00 00 00 00 00 96 d1 80 34 08 00"},
	{"stream stop", 0, StreamStop, nil, "", "13 00 00 00 00 00 96 d1 80 34 02 00"},
	{"error", Error, 0, nil, "boom", "13 40 04 00 00 00 88 1e 11 e3 00 00 62 6f 6f 6d"},
	{"http reply", CodecJSON, 0, []uint32{27}, `{"status":200,"headers":{}}Hello`,
		"14 08 20 00 00 00 d1 05 c7 b9 00 00 1b 00 00 00 7b 22 73 74"},
	{"rpc request", CodecJSON, 0, []uint32{1, 16}, `informer.Workers"http"`,
		"15 08 16 00 00 00 09 71 db a7 00 00 01 00 00 00 10 00 00 00 69 6e 66 6f"},
}

func TestGoldenEncode(t *testing.T) {
	for _, g := range goldenFrames {
		t.Run(g.name, func(t *testing.T) {
			got, err := AppendFrame(nil, g.flags, g.byte10, g.opts, []byte(g.payload))
			if err != nil {
				t.Fatal(err)
			}
			want := unhex(t, g.hex)
			if !bytes.Equal(got[:len(want)], want) {
				t.Fatalf("encode:\n got %x\nwant %x", got[:len(want)], want)
			}
		})
	}
}

func TestGoldenDecode(t *testing.T) {
	for _, g := range goldenFrames {
		t.Run(g.name, func(t *testing.T) {
			raw, _ := AppendFrame(nil, g.flags, g.byte10, g.opts, []byte(g.payload))
			want := unhex(t, g.hex)
			if !bytes.HasPrefix(raw, want) {
				t.Fatalf("golden bytes are not a prefix of the encoding")
			}
			var f Frame
			if err := NewReader(bytes.NewReader(raw), 0, 1<<20).ReadFrame(&f); err != nil {
				t.Fatal(err)
			}
			if f.Flags != g.flags || f.Byte10 != g.byte10 || string(f.Payload) != g.payload {
				t.Fatalf("decoded %+v payload %q", f.Header, f.Payload)
			}
			if len(f.Opts()) != len(g.opts) {
				t.Fatalf("options %v, want %v", f.Opts(), g.opts)
			}
			for i, o := range g.opts {
				if f.Opts()[i] != o {
					t.Fatalf("option %d = %d, want %d", i, f.Opts()[i], o)
				}
			}
		})
	}
}

func TestParseHeaderRejects(t *testing.T) {
	good, _ := AppendHeader(nil, 0, 0, 0)
	cases := []struct {
		name string
		mut  func(b []byte)
		want error
	}{
		{"hl 2", func(b []byte) { b[0] = 0x12 }, ErrHeaderLength},
		{"hl 14", func(b []byte) { b[0] = 0x1e }, ErrHeaderLength},
		{"version 2", func(b []byte) { b[0] = 0x23 }, ErrVersion},
		{"crc", func(b []byte) { b[6] ^= 0xff }, ErrCRC},
		{"length changed", func(b []byte) { b[2] = 7 }, ErrCRC},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := append([]byte(nil), good...)
			c.mut(b)
			if _, err := ParseHeader(b); !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
	if _, err := ParseHeader(good[:11]); !errors.Is(err, ErrShortHeader) {
		t.Fatalf("short: %v", err)
	}
}

func TestTooManyOptions(t *testing.T) {
	if _, err := AppendHeader(nil, 0, 0, 0, make([]uint32, 11)...); !errors.Is(err, ErrTooManyOptions) {
		t.Fatalf("err = %v", err)
	}
	b, err := AppendHeader(nil, 0, 0, 0, make([]uint32, 10)...)
	if err != nil || b[0] != 0x1d {
		t.Fatalf("10 options: %x %v", b, err)
	}
}

func TestReaderLimit(t *testing.T) {
	raw, _ := AppendFrame(nil, 0, 0, nil, make([]byte, 100))
	err := NewReader(bytes.NewReader(raw), 0, 99).ReadFrame(&Frame{})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
}

func TestReaderEOF(t *testing.T) {
	raw, _ := AppendFrame(nil, 0, 0, []uint32{0}, []byte("abc"))
	r := NewReader(bytes.NewReader(raw), 0, 1<<20)
	var f Frame
	if err := r.ReadFrame(&f); err != nil {
		t.Fatal(err)
	}
	if err := r.ReadFrame(&f); err != io.EOF {
		t.Fatalf("clean end: %v", err)
	}
	r = NewReader(bytes.NewReader(raw[:len(raw)-1]), 0, 1<<20)
	if err := r.ReadFrame(&f); err != io.ErrUnexpectedEOF {
		t.Fatalf("truncated payload: %v", err)
	}
	r = NewReader(bytes.NewReader(raw[:5]), 0, 1<<20)
	if err := r.ReadFrame(&f); err != io.ErrUnexpectedEOF {
		t.Fatalf("truncated header: %v", err)
	}
}

// TestReaderResync checks that stray output before, between and after frames
// is handed to the junk handler byte for byte and the frames still decode.
func TestReaderResync(t *testing.T) {
	f1, _ := AppendFrame(nil, 0, 0, []uint32{2}, []byte("{}one"))
	f2, _ := AppendFrame(nil, Error, 0, nil, []byte("two"))
	junk1 := "Warning: something echoed before the worker loop\n"
	junk2 := "short"
	junk3 := "Could not open input file: nope.php\n"
	var stream []byte
	stream = append(stream, junk1...)
	stream = append(stream, f1...)
	stream = append(stream, junk2...)
	stream = append(stream, f2...)
	stream = append(stream, junk3...)

	for _, chunk := range []int{1, 3, 7, 64, 1 << 16} {
		var skipped bytes.Buffer
		r := NewReader(&chunkReader{b: stream, n: chunk}, 0, 1<<20)
		r.SetJunkHandler(func(b []byte) { skipped.Write(b) })
		var f Frame
		if err := r.ReadFrame(&f); err != nil || string(f.Payload) != "{}one" {
			t.Fatalf("chunk %d: first frame %q %v", chunk, f.Payload, err)
		}
		if err := r.ReadFrame(&f); err != nil || string(f.Payload) != "two" || f.Flags != Error {
			t.Fatalf("chunk %d: second frame %q %v", chunk, f.Payload, err)
		}
		if err := r.ReadFrame(&f); !errors.Is(err, io.ErrUnexpectedEOF) && err != io.EOF {
			t.Fatalf("chunk %d: end: %v", chunk, err)
		}
		if got, want := skipped.String(), junk1+junk2+junk3; got != want {
			t.Fatalf("chunk %d: junk %q, want %q", chunk, got, want)
		}
	}
}

func TestReaderStrictRejectsJunk(t *testing.T) {
	r := NewReader(strings.NewReader("hello world, not a frame"), 0, 1<<20)
	if err := r.ReadFrame(&Frame{}); !errors.Is(err, ErrVersion) && !errors.Is(err, ErrHeaderLength) && !errors.Is(err, ErrCRC) {
		t.Fatalf("err = %v", err)
	}
}

func TestReaderGrowAndShrink(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 1<<20)
	var stream []byte
	stream, _ = AppendFrame(stream, 0, 0, []uint32{0}, big)
	stream, _ = AppendFrame(stream, 0, 0, []uint32{0}, []byte("small"))
	r := NewReader(bytes.NewReader(stream), 1024, 4<<20)
	var f Frame
	if err := r.ReadFrame(&f); err != nil || !bytes.Equal(f.Payload, big) {
		t.Fatalf("big frame: %v", err)
	}
	if err := r.ReadFrame(&f); err != nil || string(f.Payload) != "small" {
		t.Fatalf("small frame: %q %v", f.Payload, err)
	}
	if err := r.ReadFrame(&f); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
	if len(r.buf) != 1024 {
		t.Fatalf("buffer not shrunk: %d", len(r.buf))
	}
}

func TestAllocs(t *testing.T) {
	ctx := []byte(`{"status":200,"headers":{}}`)
	body := []byte("Hello")
	buf := make([]byte, 0, 256)
	if n := testing.AllocsPerRun(100, func() {
		buf, _ = AppendFrame(buf[:0], CodecJSON, 0, []uint32{uint32(len(ctx))}, ctx, body)
	}); n != 0 {
		t.Fatalf("encode allocs = %v", n)
	}
	src := &loopReader{b: buf}
	r := NewReader(src, 0, 1<<20)
	var f Frame
	if n := testing.AllocsPerRun(100, func() {
		if err := r.ReadFrame(&f); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("decode allocs = %v", n)
	}
}

// chunkReader returns at most n bytes per Read, like a pipe under load.
type chunkReader struct {
	b []byte
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.b)
	c.b = c.b[n:]
	return n, nil
}

// loopReader yields the same frame forever without allocating.
type loopReader struct {
	b   []byte
	off int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := copy(p, l.b[l.off:])
	l.off = (l.off + n) % len(l.b)
	return n, nil
}

func BenchmarkAppendFrame(b *testing.B) {
	ctx := []byte(`{"status":200,"headers":{"Content-Type":["text/plain"]}}`)
	body := bytes.Repeat([]byte("x"), 100)
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = AppendFrame(buf[:0], CodecJSON, 0, []uint32{uint32(len(ctx))}, ctx, body)
	}
}

func BenchmarkReadFrame(b *testing.B) {
	ctx := []byte(`{"status":200,"headers":{"Content-Type":["text/plain"]}}`)
	raw, _ := AppendFrame(nil, CodecJSON, 0, []uint32{uint32(len(ctx))}, ctx, bytes.Repeat([]byte("x"), 100))
	r := NewReader(&loopReader{b: raw}, 0, 1<<20)
	var f Frame
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if err := r.ReadFrame(&f); err != nil {
			b.Fatal(err)
		}
	}
}
