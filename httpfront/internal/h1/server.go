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
