package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// Precomputed control frames (PROTOCOL.md 1.7, 2.8, 2.9). They never change,
// so building them once keeps them off the hot path.
var (
	frameStop       = mustFrame(wire.Control|wire.CodecJSON, 0, []byte(`{"stop":true}`))
	framePong       = mustFrame(0, wire.Pong, nil)
	frameStreamStop = mustFrame(0, wire.StreamStop, nil)
)

// stopRequest is the exact context of a worker-initiated restart (2.7).
const stopRequest = `{"stop":true}`

func mustFrame(flags, byte10 byte, payload []byte) []byte {
	b, err := wire.AppendFrame(nil, flags, byte10, nil, payload)
	if err != nil {
		panic(err)
	}
	return b
}

// pidFrame is the server's PID request: flags CONTROL|JSON, no options,
// payload {"pid":<phprun's pid>} (PROTOCOL.md 2.3).
func pidFrame() []byte {
	return mustFrame(wire.Control|wire.CodecJSON, 0, []byte(`{"pid":`+strconv.Itoa(os.Getpid())+`}`))
}

// errHandshake marks a worker that answered the PID request wrongly.
var errHandshake = errors.New("engine: bad handshake reply")

// handshake sends the PID request over rl and reads the reply with rd,
// which must be done by deadline. It returns the PID the worker reported.
func handshake(rl relay, rd *wire.Reader, f *wire.Frame, deadline time.Time) (int, error) {
	_ = rl.SetWriteDeadline(deadline)
	_ = rl.SetReadDeadline(deadline)
	defer func() {
		_ = rl.SetWriteDeadline(time.Time{})
		_ = rl.SetReadDeadline(time.Time{})
	}()
	if _, err := rl.Write(pidFrame()); err != nil {
		return 0, err
	}
	if err := rd.ReadFrame(f); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	if f.Flags&wire.Control == 0 {
		return 0, fmt.Errorf("%w: flags %#x without CONTROL", errHandshake, f.Flags)
	}
	var reply struct {
		PID int `json:"pid"`
	}
	if err := json.Unmarshal(f.Payload, &reply); err != nil || reply.PID <= 0 {
		return 0, fmt.Errorf("%w: %q", errHandshake, truncate(f.Payload, 100))
	}
	return reply.PID, nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
