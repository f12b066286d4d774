package engine

// Payload is one job for a worker: the context (for HTTP, the JSON request
// context) and the body travel in one frame, with the context length as the
// frame's single option. Exec does not keep it after returning.
type Payload struct {
	Context []byte
	Body    []byte
	Codec   byte // frame flags to send, e.g. wire.CodecJSON
	Tag     Tag  // shown in Stats while the job runs
}
