package h1

import (
	"log/slog"
	"net/http"
)

// Server is the fast path's server (fastserve.go). Its methods are Serve,
// Shutdown and Close, as on http.Server.
type Server = fastServer

// New serves plain HTTP/1.1 connections with h and hands every
// connection it does not handle to std (see newFastServer).
func New(h http.Handler, std *http.Server, log *slog.Logger) *Server {
	return newFastServer(h, std, log)
}

// SetStrict makes the server refuse heads with ambiguous framing with a
// 400 (framing.go). phprun's Server turns it on; the differential tests
// leave it off to hold the fast path equal to net/http. Call it before
// Serve.
func (s *Server) SetStrict(on bool) { s.strict = on }

// BodyAllowedForStatus is net/http's rule, as the fast path applies it:
// 1xx, 204 and 304 responses carry no body.
func BodyAllowedForStatus(status int) bool { return bodyAllowedForStatus(status) }

// HeadMax is the largest request head the fast path reads; longer heads
// go to net/http.
const HeadMax = fastHeadMax
