package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Frame is a decoded frame. Payload aliases the Reader's buffer and is valid
// only until the next call to ReadFrame.
type Frame struct {
	Header
	Options [MaxOptions]uint32
	Payload []byte
}

// Opts returns the frame's options.
func (f *Frame) Opts() []uint32 { return f.Options[:f.NumOptions] }

// DefaultBufferSize is the initial size of a Reader's buffer; it fits a
// typical HTTP response so that one read syscall usually yields one frame.
const DefaultBufferSize = 64 << 10

// Reader reads frames from a byte stream into one reused buffer.
//
// By default a CRC-invalid header is an error. With a junk handler set (see
// SetJunkHandler) the Reader instead scans forward to the next CRC-valid
// header and hands the skipped bytes to the handler: that is how stray
// output of a PHP worker is kept apart from the protocol.
type Reader struct {
	rd      io.Reader
	buf     []byte
	r, w    int // buf[r:w] holds unread bytes
	initial int
	max     uint32
	junk    func([]byte)
	pending int // payload bytes of the current frame not read yet (ReadFrameStart)
}

// NewReader returns a Reader with an initial buffer of size bytes that
// refuses payloads larger than maxPayload.
func NewReader(rd io.Reader, size int, maxPayload uint32) *Reader {
	if size < MaxHeaderSize {
		size = MaxHeaderSize
	}
	return &Reader{rd: rd, buf: make([]byte, size), initial: size, max: maxPayload}
}

// SetMaxPayload changes the largest payload the Reader accepts from the
// next frame on. The socket relay reads the PID handshake with a small
// limit and raises it once the peer is known to be a worker.
func (r *Reader) SetMaxPayload(n uint32) { r.max = n }

// SetJunkHandler makes the Reader skip bytes that do not start a valid
// header and pass them to fn. The slice passed to fn is only valid during
// the call. A nil fn restores strict mode.
func (r *Reader) SetJunkHandler(fn func([]byte)) { r.junk = fn }

// Buffered reports how many unread bytes the Reader holds.
func (r *Reader) Buffered() int { return r.w - r.r }

// ReadFrame reads the next frame into f. It returns io.EOF when the stream
// ends cleanly between frames and io.ErrUnexpectedEOF inside one.
func (r *Reader) ReadFrame(f *Frame) error {
	h, err := r.readHeader(f)
	if err != nil {
		return err
	}
	total := h.Size() + int(h.PayloadLen)
	if err := r.fill(total); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	b := r.buf[r.r : r.r+total]
	f.Header = h
	for i := 0; i < h.NumOptions; i++ {
		f.Options[i] = binary.LittleEndian.Uint32(b[HeaderSize+4*i:])
	}
	f.Payload = b[h.Size():total:total]
	r.r += total
	return nil
}

// ReadFrameStart reads the next frame's header and options into f and
// leaves its payload unread: the caller takes it with Payload and
// ReadPayload (Pending says how much is left) before the next frame. It is
// how a large payload passes through without being held whole in memory.
func (r *Reader) ReadFrameStart(f *Frame) error {
	h, err := r.readHeader(f)
	if err != nil {
		return err
	}
	if err := r.fill(h.Size()); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	f.Header, f.Payload = h, nil
	for i := 0; i < h.NumOptions; i++ {
		f.Options[i] = binary.LittleEndian.Uint32(r.buf[r.r+HeaderSize+4*i:])
	}
	r.r += h.Size()
	r.pending = int(h.PayloadLen)
	return nil
}

// Pending is how many payload bytes of the frame begun with ReadFrameStart
// are still unread.
func (r *Reader) Pending() int { return r.pending }

// Payload returns the next n bytes of the pending payload (n ≤ Pending()),
// buffered; the slice is valid until the next call on r.
func (r *Reader) Payload(n int) ([]byte, error) {
	if n > r.pending {
		return nil, fmt.Errorf("wire: %d payload bytes asked for, %d pending", n, r.pending)
	}
	if err := r.fill(n); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	b := r.buf[r.r : r.r+n : r.r+n]
	r.r += n
	r.pending -= n
	return b, nil
}

// ReadPayload reads up to len(p) bytes of the pending payload into p:
// buffered bytes first, then straight from the stream, so the buffer does
// not grow. It returns io.EOF once the payload is read whole and
// io.ErrUnexpectedEOF if the stream ends inside it.
func (r *Reader) ReadPayload(p []byte) (int, error) {
	if r.pending == 0 {
		return 0, io.EOF
	}
	if len(p) > r.pending {
		p = p[:r.pending]
	}
	var n int
	var err error
	if r.w > r.r {
		n = copy(p, r.buf[r.r:r.w])
		r.r += n
	} else {
		n, err = r.rd.Read(p)
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
	}
	r.pending -= n
	if n > 0 {
		return n, nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return 0, err
}

// readHeader finds the next CRC-valid header (skipping junk in lenient
// mode), checks its payload against the limit and returns it, with r.r
// still at its first byte.
func (r *Reader) readHeader(f *Frame) (Header, error) {
	r.pending = 0
	if r.r == r.w && len(r.buf) > 4*r.initial {
		// Give back memory a large frame made us take.
		r.buf, r.r, r.w = make([]byte, r.initial), 0, 0
	}
	for {
		if err := r.fill(HeaderSize); err != nil {
			r.flushJunk()
			return Header{}, err
		}
		b := r.buf[r.r:r.w]
		if validHeaderAt(b) {
			break
		}
		if r.junk == nil {
			_, err := ParseHeader(b)
			return Header{}, err
		}
		if i := FindHeader(b); i >= 0 {
			r.junk(b[:i])
			r.r += i
			continue
		}
		// Keep the last HeaderSize-1 bytes: they may begin a header whose
		// rest has not arrived yet.
		skip := len(b) - (HeaderSize - 1)
		r.junk(b[:skip])
		r.r += skip
	}
	h, _ := ParseHeader(r.buf[r.r:r.w]) // validated above
	if h.PayloadLen > r.max {
		// The header and its options (at most 40 bytes more) are read so
		// that the caller can answer the frame (an RPC error reply needs
		// its seq); the payload is neither read nor allocated for.
		f.Header, f.Payload = h, nil
		if err := r.fill(h.Size()); err == nil {
			for i := 0; i < h.NumOptions; i++ {
				f.Options[i] = binary.LittleEndian.Uint32(r.buf[r.r+HeaderSize+4*i:])
			}
		} else {
			f.NumOptions = 0
		}
		return Header{}, fmt.Errorf("%w: %d > %d bytes", ErrTooLarge, h.PayloadLen, r.max)
	}
	return h, nil
}

// flushJunk hands unread bytes to the junk handler when the stream ended
// without a frame after them.
func (r *Reader) flushJunk() {
	if r.junk != nil && r.w > r.r {
		r.junk(r.buf[r.r:r.w])
		r.r = r.w
	}
}

// fill makes sure at least n unread bytes are buffered, compacting the
// buffer and growing it as needed.
//
// The buffer grows with the bytes that actually arrive (doubling when it is
// full, never past n), not to the size a header announces: a peer that
// announces a large payload and sends nothing costs nothing, and one that
// sends slowly costs at most twice what it sent.
func (r *Reader) fill(n int) error {
	if r.w-r.r >= n {
		return nil
	}
	if len(r.buf)-r.r < n {
		r.w = copy(r.buf, r.buf[r.r:r.w])
		r.r = 0
	}
	for r.w-r.r < n {
		if r.w == len(r.buf) {
			nb := make([]byte, min(n, 2*len(r.buf)))
			r.w = copy(nb, r.buf[r.r:r.w])
			r.buf, r.r = nb, 0
		}
		m, err := r.rd.Read(r.buf[r.w:])
		r.w += m
		if err != nil {
			if r.w-r.r >= n {
				return nil
			}
			if errors.Is(err, io.EOF) && r.w > r.r {
				return io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}
