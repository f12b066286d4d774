package wire

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzReadFrame feeds arbitrary bytes to the Reader in both modes. It must
// never panic, never report more payload than the input holds, and in junk
// mode account for every input byte as either frame or junk.
func FuzzReadFrame(f *testing.F) {
	for _, g := range goldenFrames {
		raw, _ := AppendFrame(nil, g.flags, g.byte10, g.opts, []byte(g.payload))
		f.Add(raw)
		f.Add(append([]byte("junk!"), raw...))
	}
	f.Add([]byte{0x1f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, lenient := range []bool{false, true} {
			r := NewReader(bytes.NewReader(data), 16, 1<<16)
			junk := 0
			if lenient {
				r.SetJunkHandler(func(b []byte) { junk += len(b) })
			}
			consumed := 0
			var fr Frame
			for i := 0; i <= len(data); i++ {
				err := r.ReadFrame(&fr)
				if err != nil {
					if lenient && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, ErrTooLarge) {
						t.Fatalf("lenient reader returned %v", err)
					}
					break
				}
				consumed += fr.Size() + len(fr.Payload)
				if int(fr.PayloadLen) != len(fr.Payload) || fr.NumOptions > MaxOptions {
					t.Fatalf("inconsistent frame %+v", fr.Header)
				}
				if consumed > len(data) {
					t.Fatalf("consumed %d of %d bytes", consumed, len(data))
				}
			}
			if lenient && consumed+junk > len(data) {
				t.Fatalf("frames %d + junk %d > input %d", consumed, junk, len(data))
			}
		}
	})
}
