package wire

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// TestReaderSkipOversizedFrame: a frame refused with ErrTooLarge is stepped
// over whole, the buffer stays at its initial size, and the frame after it
// reads normally.
func TestReaderSkipOversizedFrame(t *testing.T) {
	big, err := AppendFrame(nil, CodecProto, 0, []uint32{1, 2}, bytes.Repeat([]byte("x"), 100_000))
	if err != nil {
		t.Fatal(err)
	}
	next, err := AppendFrame(nil, CodecProto, 0, []uint32{2, 2}, []byte("ok"))
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(bytes.NewReader(append(big, next...)), 4096, 1<<10)
	var f Frame
	if err := r.ReadFrame(&f); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("ReadFrame = %v, want ErrTooLarge", err)
	}
	if err := r.Skip(f.Size() + int(f.PayloadLen)); err != nil {
		t.Fatalf("Skip: %v", err)
	}
	if len(r.buf) != 4096 {
		t.Fatalf("buffer grew to %d bytes", len(r.buf))
	}
	if err := r.ReadFrame(&f); err != nil || string(f.Payload) != "ok" || f.Opts()[0] != 2 {
		t.Fatalf("next frame: %v, %q, %v", err, f.Payload, f.Opts())
	}
}

// TestReaderSkipShortStream: a stream that ends inside the skipped bytes is
// an unexpected EOF, not a success.
func TestReaderSkipShortStream(t *testing.T) {
	r := NewReader(bytes.NewReader(make([]byte, 100)), 64, 1<<10)
	if err := r.Skip(101); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Skip = %v, want unexpected EOF", err)
	}
}
