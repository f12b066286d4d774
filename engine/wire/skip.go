package wire

import (
	"errors"
	"io"
)

// Skip drops the next n bytes of the stream through the Reader's buffer
// without growing it. After ReadFrame refused a frame with ErrTooLarge the
// Reader still stands at that frame's first byte, so Skip(f.Size() +
// int(f.PayloadLen)) steps over the whole frame: the RPC server answers an
// oversized request with an error and keeps the connection in step, at the
// cost of reading the bytes, never of holding them.
func (r *Reader) Skip(n int) error {
	r.pending = 0
	for n > 0 {
		if r.r == r.w {
			r.r, r.w = 0, 0
			m, err := r.rd.Read(r.buf)
			r.w = m
			if m == 0 {
				if err == nil {
					err = io.ErrNoProgress
				}
				if errors.Is(err, io.EOF) {
					err = io.ErrUnexpectedEOF
				}
				return err
			}
		}
		k := min(n, r.w-r.r)
		r.r += k
		n -= k
	}
	return nil
}
