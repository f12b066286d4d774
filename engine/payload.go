package engine

// Payload is one job for a worker: the context (for HTTP, the JSON request
// context) and the body travel in one frame, with the context length as the
// frame's single option. Exec does not keep it after returning.
type Payload struct {
	Context []byte
	Body    []byte
	Codec   byte // frame flags to send, e.g. wire.CodecJSON
	Tag     Tag  // shown in Stats while the job runs
	// StreamBody says the caller reads large bodies in parts: a response
	// frame over 256 KiB is then read only up to the first 64 KiB of its
	// body, and the rest is left on the relay for Response.ReadBody, so a
	// 500 MB answer is never held whole in memory. Without it, Body is
	// always the whole frame's body.
	StreamBody bool
}
