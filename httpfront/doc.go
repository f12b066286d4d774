// Package httpfront is phprun's HTTP front: it maps HTTP requests to jobs
// for a PHP worker pool, RoadRunner-compatibly (PROTOCOL.md section 3), and
// serves the RoadRunner middleware (static, gzip, headers/CORS,
// proxy_ip_parser), TLS and h2c, and the /health and /ready endpoints.
//
// Requests travel as the JSON request context (3.2) plus the body; forms
// are parsed into PHP's bracket data tree and file uploads go to temp
// files that are removed once the response is written. Worker responses
// are decoded from their JSON context whatever their codec flag (0 or
// 0x08), streamed frame by frame, and 1xx early hints are sent without
// leaking into the final response. Errors become HTTP statuses in one
// function (errorStatus).
//
// The hot path allocates little: contexts are appended into pooled
// buffers, response contexts are decoded by a small JSON reader, and no
// goroutine is started per request.
package httpfront
