// Package h1 is phprun's own loop for plain HTTP/1.1 connections (the
// "fast path", docs/http.md). It knows nothing of the engine or of PHP: it
// serves an http.Handler, and hands every connection it does not serve to
// a net/http server with the bytes it already read replayed.
//
// It mirrors net/http's server, and its rules must be re-checked against
// net/http at every Go release (the differential tests below do that on
// every CI run). The behaviours it copies rather than calls:
//
//   - request checks after http.ReadRequest: Host, header names and values,
//     and the head net/http would reject, which is handed over instead;
//     parseSimpleHead builds the same http.Request for the common head;
//   - response framing: the header as it was at WriteHeader, Content-Type
//     sniffing, Content-Length for complete bodies of up to 2 KiB, chunked
//     encoding otherwise, 1xx responses, trailers, HEAD, 204 and 304;
//   - connection fate: Connection: close, keep-alive, at most 256 KiB of
//     unread request body discarded (more closes after a linger), a
//     panicking handler's buffered bytes flushed before the close;
//   - ReadHeaderTimeout, IdleTimeout, ReadTimeout, WriteTimeout and
//     MaxHeaderBytes taken from the net/http server it hands over to;
//   - Hijack and http.ResponseController (Flush, read and write deadlines,
//     EnableFullDuplex), and ReadFrom (sendfile) on the connection.
//
// The tests that guard them: TestFastMatchesStd sends the same raw bytes
// to net/http and to this loop and requires byte-identical responses and
// the same fate for the connection (fastcases_test.go holds the table),
// plain and with h2c; FuzzFastVsStd does the same with fuzzed bytes;
// TestSimpleHeadMatchesReadRequest and FuzzSimpleHead hold parseSimpleHead
// to ReadRequest's result; the TestFast* behaviour tests cover shutdown,
// timeouts and cancellation against both servers. TestDocNamesTests keeps
// this list true.
//
// One difference is deliberate: a request's context reports a vanished
// client only when asked (see connContext).
package h1
