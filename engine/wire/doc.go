// Package wire encodes and decodes goridge v3 frames, the binary protocol
// RoadRunner speaks with its PHP workers and RPC clients.
//
// A frame is a 12-byte header, up to ten little-endian uint32 options and a
// payload. The header carries a CRC-32 (IEEE) of its first six bytes, which
// is how a reader tells a real frame from stray bytes that PHP code printed
// on stdout. The package does no I/O policy: it appends frames into caller
// buffers and reads them through a buffered Reader that reuses its memory,
// so the hot path allocates nothing.
package wire
