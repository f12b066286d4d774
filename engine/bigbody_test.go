package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
)

// TestStreamBody: with Payload.StreamBody a big frame's body comes in
// parts (Body holds its start, ReadBody the rest) and equals what PHP
// sent; a body left unread is drained on Release and the worker serves
// again; without StreamBody, Body is whole.
func TestStreamBody(t *testing.T) {
	p := newPool(t, phpConfig(t, 1), nil)
	body := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB, echoed back
	ctx := context.Background()

	r, err := p.Exec(ctx, Payload{Context: []byte("c"), Body: body, StreamBody: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Body) != bodyHead || r.BodyRest() != len(body)-bodyHead {
		t.Fatalf("first part %d bytes, rest %d", len(r.Body), r.BodyRest())
	}
	got := append([]byte(nil), r.Body...)
	buf := make([]byte, 10000)
	for {
		n, err := r.ReadBody(buf)
		got = append(got, buf[:n]...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	pid := r.PID()
	r.Release()
	if !bytes.Equal(got, body) {
		t.Fatalf("body differs: %d bytes", len(got))
	}

	r, err = p.Exec(ctx, Payload{Context: []byte("c"), Body: body, StreamBody: true})
	if err != nil {
		t.Fatal(err)
	}
	r.Release() // rest unread: drained
	r, err = p.Exec(ctx, Payload{Context: []byte("c"), Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.Body, body) || r.BodyRest() != 0 || r.PID() != pid {
		t.Fatalf("after a drained body: %d bytes, rest %d, pid %d (was %d)", len(r.Body), r.BodyRest(), r.PID(), pid)
	}
	r.Release()
}
