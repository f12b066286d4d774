// Package conns holds the connection plumbing that httpfront and its fast
// path (httpfront/internal/h1) share: the accept loop with net/http's
// retry rules, the listener through which a connection is handed to a
// net/http server, the wrapper that logs net/http's own 4xx answers, and
// the pool of copy buffers. It knows nothing of requests or handlers.
package conns
