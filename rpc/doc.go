// Package rpc is phprun's control port: RoadRunner's goridge net/rpc
// protocol (PROTOCOL.md 4) on `rpc.listen`, and the client that the
// `phprun workers` and `phprun reset` commands use.
//
// The server is Go's net/rpc with a ServerCodec that reads and writes
// goridge frames: two options [seq, len(method)], a payload of the method
// name followed by the encoded argument, and the codec named by the frame
// flags (JSON for PHP, gob for the Go CLIs). That is what lets the official
// `rr workers` / `rr reset` binaries and the PHP RPC clients talk to phprun
// unchanged.
//
// The built-in services are informer (worker lists), resetter (rolling
// reloads) and rpc (version and effective config). They see the engine only
// through the Pools interface, so main decides which pools exist. Further
// services (kv, jobs, metrics) are added with Server.Register without
// touching the codec or the server core.
package rpc
