// Package kvv1 holds the generated protobuf types of RoadRunner's kv.v1
// messages, the argument and reply of every kv.* RPC method.
package kvv1

//go:generate protoc --go_out=. --go_opt=paths=source_relative kv.proto
