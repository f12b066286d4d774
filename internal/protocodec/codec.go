// Package protocodec encodes goridge RPC arguments and replies with
// protobuf (frame flag 0x80), the codec RoadRunner's jobs and kv services
// speak. It lives outside package rpc so that rpc keeps no third-party type
// in its API: main hands a Codec to rpc.Options.Proto.
package protocodec

import (
	"fmt"

	"google.golang.org/protobuf/proto"
)

// Codec implements rpc.Codec for arguments and replies that are protobuf
// messages (pointers to generated structs).
type Codec struct{}

// Unmarshal decodes data into v, which must be a proto.Message.
func (Codec) Unmarshal(data []byte, v any) error {
	m, ok := v.(proto.Message)
	if !ok {
		return fmt.Errorf("protocodec: %T is not a protobuf message", v)
	}
	if err := proto.Unmarshal(data, m); err != nil {
		return fmt.Errorf("protocodec: decode %T: %w", v, err)
	}
	return nil
}

// Marshal encodes v, which must be a proto.Message.
func (Codec) Marshal(v any) ([]byte, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return nil, fmt.Errorf("protocodec: %T is not a protobuf message", v)
	}
	b, err := proto.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("protocodec: encode %T: %w", v, err)
	}
	return b, nil
}

// MarshalAppend appends v's encoding to dst, so that the RPC server encodes
// a reply straight into its reply buffer, without a slice of its own per
// reply (rpc.Codec's optional AppendMarshal).
func (Codec) MarshalAppend(dst []byte, v any) ([]byte, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return dst, fmt.Errorf("protocodec: %T is not a protobuf message", v)
	}
	b, err := proto.MarshalOptions{}.MarshalAppend(dst, m)
	if err != nil {
		return dst, fmt.Errorf("protocodec: encode %T: %w", v, err)
	}
	return b, nil
}
