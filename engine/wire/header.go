package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// Frame layout constants (PROTOCOL.md 1.1).
const (
	// Version is the protocol version stored in the high nibble of byte 0.
	Version = 1
	// HeaderSize is the size of the fixed part of a header.
	HeaderSize = 12
	// MaxOptions is the most options a frame may carry; goridge-go panics
	// beyond it, so a compatible reader rejects more instead of crashing.
	MaxOptions = 10
	// MaxHeaderSize is the size of a header with MaxOptions options.
	MaxHeaderSize = HeaderSize + 4*MaxOptions
	minHL         = 3
	maxHL         = minHL + MaxOptions
)

// Flags of byte 1 (PROTOCOL.md 1.2). Codec bits and the CONTROL and ERROR
// bits are OR-combined.
const (
	Control      byte = 0x01
	CodecRaw     byte = 0x04
	CodecJSON    byte = 0x08
	CodecMsgpack byte = 0x10
	CodecGob     byte = 0x20
	Error        byte = 0x40
	CodecProto   byte = 0x80
)

// Bits of byte 10, used for streamed responses (PROTOCOL.md 1.3).
const (
	Stream     byte = 0x01 // worker: more frames follow
	StreamStop byte = 0x02 // server: cancel the stream
	Ping       byte = 0x04 // worker: confirm you are reading
	Pong       byte = 0x08 // server: answer to Ping
)

// Errors returned by header validation. They are sentinels so that callers
// (the engine's resync logic) can tell a broken header from an I/O failure.
var (
	ErrHeaderLength   = errors.New("wire: header length out of range (want 3..13 words)")
	ErrVersion        = errors.New("wire: unsupported protocol version")
	ErrCRC            = errors.New("wire: header CRC mismatch")
	ErrTooManyOptions = errors.New("wire: more than 10 options")
	ErrTooLarge       = errors.New("wire: payload exceeds limit")
	ErrShortHeader    = errors.New("wire: short header")
)

// Header is the decoded fixed part of a frame.
type Header struct {
	Flags      byte
	Byte10     byte
	NumOptions int    // number of uint32 options that follow the fixed header
	PayloadLen uint32 // payload bytes after the options
}

// Size is the full header size in bytes, options included.
func (h Header) Size() int { return HeaderSize + 4*h.NumOptions }

// ParseHeader validates and decodes the first HeaderSize bytes of b. It
// checks the version nibble, the header length range and the CRC, and never
// panics on any input of at least HeaderSize bytes.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderSize {
		return Header{}, ErrShortHeader
	}
	if b[0]>>4 != Version {
		return Header{}, fmt.Errorf("%w: %d", ErrVersion, b[0]>>4)
	}
	hl := int(b[0] & 0x0F)
	if hl < minHL || hl > maxHL {
		return Header{}, fmt.Errorf("%w: %d", ErrHeaderLength, hl)
	}
	if crc32.ChecksumIEEE(b[:6]) != binary.LittleEndian.Uint32(b[6:10]) {
		return Header{}, ErrCRC
	}
	return Header{
		Flags:      b[1],
		Byte10:     b[10],
		NumOptions: hl - minHL,
		PayloadLen: binary.LittleEndian.Uint32(b[2:6]),
	}, nil
}

// validHeaderAt reports whether a CRC-valid header starts at b[0]; it is the
// cheap predicate used to scan past stray bytes.
func validHeaderAt(b []byte) bool {
	if len(b) < HeaderSize || b[0]>>4 != Version {
		return false
	}
	if hl := b[0] & 0x0F; hl < minHL || hl > maxHL {
		return false
	}
	return crc32.ChecksumIEEE(b[:6]) == binary.LittleEndian.Uint32(b[6:10])
}

// FindHeader returns the offset of the first CRC-valid header in b, or -1.
// Only offsets with a complete 12-byte header in b are considered.
func FindHeader(b []byte) int {
	for i := 0; i+HeaderSize <= len(b); i++ {
		if validHeaderAt(b[i:]) {
			return i
		}
	}
	return -1
}
