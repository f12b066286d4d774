package wire

import (
	"encoding/binary"
	"hash/crc32"
)

// AppendHeader appends a frame header for a payload of payloadLen bytes with
// the given options to dst. The CRC is computed after the option count has
// been folded into byte 0, as goridge-go does (PROTOCOL.md 8.1).
func AppendHeader(dst []byte, flags, byte10 byte, payloadLen int, opts ...uint32) ([]byte, error) {
	if len(opts) > MaxOptions {
		return dst, ErrTooManyOptions
	}
	if uint64(payloadLen) > uint64(^uint32(0)) {
		return dst, ErrTooLarge
	}
	start := len(dst)
	dst = append(dst, Version<<4|byte(minHL+len(opts)), flags)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(payloadLen))
	dst = binary.LittleEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:start+6]))
	dst = append(dst, byte10, 0)
	for _, o := range opts {
		dst = binary.LittleEndian.AppendUint32(dst, o)
	}
	return dst, nil
}

// AppendFrame appends a whole frame: the header, then each part of the
// payload in order. Splitting the payload into parts lets callers send
// context and body without first concatenating them.
func AppendFrame(dst []byte, flags, byte10 byte, opts []uint32, parts ...[]byte) ([]byte, error) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	dst, err := AppendHeader(dst, flags, byte10, n, opts...)
	if err != nil {
		return dst, err
	}
	for _, p := range parts {
		dst = append(dst, p...)
	}
	return dst, nil
}
