package wire

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// TestReaderGrowsWithArrivingData: a header announcing 64 MiB followed by a
// few bytes must not make the Reader allocate the announced size (issue
// #16: 90 such RPC connections took phprun's RSS to 1.9 GB).
func TestReaderGrowsWithArrivingData(t *testing.T) {
	hdr, err := AppendHeader(nil, CodecJSON, 0, 64<<20, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	in := append(hdr, bytes.Repeat([]byte("x"), 10_000)...)
	r := NewReader(bytes.NewReader(in), 4096, 1<<30)
	var f Frame
	if err := r.ReadFrame(&f); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("ReadFrame = %v, want unexpected EOF", err)
	}
	if got := len(r.buf); got > 2*len(in) {
		t.Fatalf("buffer grew to %d bytes for %d bytes received", got, len(in))
	}
}

// TestReaderTooLargeKeepsOptions: a frame over the limit is refused before
// its payload is read, and the caller still gets the header and options
// (the RPC server answers with the request's seq).
func TestReaderTooLargeKeepsOptions(t *testing.T) {
	hdr, err := AppendHeader(nil, CodecJSON, 0, 5<<20, 7, 3)
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(bytes.NewReader(hdr), 4096, 1<<20)
	var f Frame
	err = r.ReadFrame(&f)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("ReadFrame = %v, want ErrTooLarge", err)
	}
	if o := f.Opts(); len(o) != 2 || o[0] != 7 || o[1] != 3 || f.PayloadLen != 5<<20 || f.Payload != nil {
		t.Fatalf("frame = %+v, options %v", f.Header, o)
	}
	if len(r.buf) != 4096 {
		t.Fatalf("buffer is %d bytes", len(r.buf))
	}
}

// TestReaderSetMaxPayload: the limit can be raised between frames.
func TestReaderSetMaxPayload(t *testing.T) {
	a, _ := AppendFrame(nil, CodecJSON, 0, nil, bytes.Repeat([]byte("a"), 100))
	r := NewReader(bytes.NewReader(append(a, a...)), 16, 50)
	var f Frame
	if err := r.ReadFrame(&f); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("first frame: %v, want ErrTooLarge", err)
	}
	r2 := NewReader(bytes.NewReader(a), 16, 50)
	r2.SetMaxPayload(100)
	if err := r2.ReadFrame(&f); err != nil || len(f.Payload) != 100 {
		t.Fatalf("after SetMaxPayload: %v, %d bytes", err, len(f.Payload))
	}
}

// TestReadFrameStart: a payload taken in parts (Payload, then ReadPayload
// straight from the stream) equals the frame's payload, and the buffer
// does not grow to its size.
func TestReadFrameStart(t *testing.T) {
	payload := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	a, _ := AppendFrame(nil, CodecJSON, 0, []uint32{5}, payload)
	b, _ := AppendFrame(nil, CodecJSON, 0, nil, []byte("next"))
	r := NewReader(bytes.NewReader(append(a, b...)), 4096, 1<<30)
	var f Frame
	if err := r.ReadFrameStart(&f); err != nil || f.PayloadLen != 1<<20 || f.Opts()[0] != 5 || r.Pending() != 1<<20 {
		t.Fatalf("start: %v %+v pending %d", err, f.Header, r.Pending())
	}
	got, err := r.Payload(100)
	if err != nil {
		t.Fatal(err)
	}
	got = append([]byte(nil), got...)
	buf := make([]byte, 3000)
	for {
		n, err := r.ReadPayload(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, payload) || r.Pending() != 0 {
		t.Fatalf("payload differs (%d bytes, pending %d)", len(got), r.Pending())
	}
	if len(r.buf) > 8192 {
		t.Fatalf("buffer grew to %d bytes", len(r.buf))
	}
	if err := r.ReadFrame(&f); err != nil || string(f.Payload) != "next" {
		t.Fatalf("next frame: %v %q", err, f.Payload)
	}
	// Cut inside the payload.
	r = NewReader(bytes.NewReader(a[:len(a)/2]), 4096, 1<<30)
	if err := r.ReadFrameStart(&f); err != nil {
		t.Fatal(err)
	}
	for {
		_, err := r.ReadPayload(buf)
		if err != nil {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("cut payload: %v", err)
			}
			break
		}
	}
}
