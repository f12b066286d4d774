package httpfront

import (
	"strings"
	"testing"
	"time"
)

// Raw-socket cases for the plain HTTP/1.1 listener, fast path and net/http
// alike: request smuggling patterns (RFC 9112 §6–7; the classic CL.TE,
// TE.CL and TE.TE variants), malformed chunked bodies, broken heads. For
// each: the status phprun answers, whether the connection is closed after
// it, and that no bytes after the broken message are served as a request.

type rawCase struct {
	name   string
	req    string
	status string // status line prefix of the only response, e.g. "HTTP/1.1 400"
	// std is the answer when net/http parses the head (TLS, NoFastPath, a
	// later request on a handed-over connection), if it differs: "" means
	// the same as status, "-" that the case is not held there (see
	// docs/security.md for those limits).
	std string
}

// smuggled is what a smuggling case appends: if phprun answers it, a
// second request was read from bytes that belonged to the first.
const smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"

var http1Cases = []rawCase{
	// Content-Length together with Transfer-Encoding (RFC 9112 §6.1).
	{"CL.TE", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400", "HTTP/1.1 200"},
	{"TE.CL", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\n" + smuggled + strings.Repeat("x", 92-len(smuggled)) + "\r\n0\r\n\r\n", "HTTP/1.1 400", "HTTP/1.1 200"},
	{"CL.TE lower case", "POST / HTTP/1.1\r\nHost: x\r\ncontent-length: 6\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400", "HTTP/1.1 200"},
	{"CL.TE with TE first and CL 0", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400", "HTTP/1.1 200"},
	// TE.TE: two Transfer-Encoding fields, or one that is not plain chunked.
	{"TE.TE two fields", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: cow\r\n\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 501", ""},
	{"TE.TE list", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 501", ""},
	{"TE xchunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400", "HTTP/1.1 501"},
	{"TE space before colon", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400", ""},
	{"TE tab value", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\tchunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400", "HTTP/1.1 200"},
	{"TE folded", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400", "HTTP/1.1 200"},
	{"TE on HTTP/1.0", "POST / HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400", "-"},
	// Other framing faults.
	{"obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n" + smuggled, "HTTP/1.1 400", "-"},
	{"two different Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nContent-Length: 5\r\n\r\nabcdef" + smuggled, "HTTP/1.1 400", ""},
	{"Content-Length with sign", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +6\r\n\r\nabcdef" + smuggled, "HTTP/1.1 400", ""},
	{"Content-Length list", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6, 6\r\n\r\nabcdef" + smuggled, "HTTP/1.1 400", ""},
	{"NUL in a header", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n" + smuggled, "HTTP/1.1 400", ""},
	{"two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + smuggled, "HTTP/1.1 400", ""},
	{"no Host", "GET / HTTP/1.1\r\nX: y\r\n\r\n" + smuggled, "HTTP/1.1 400", ""},
	{"space in the target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n" + smuggled, "HTTP/1.1 400", ""},
	{"header too large", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 2<<20) + "\r\n\r\n" + smuggled, "HTTP/1.1 431", ""},
	// Malformed chunked bodies: the client's fault, so 400, and the
	// connection is closed since its framing is lost.
	{"chunk size not hex", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400", ""},
	{"chunk size overflow", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\nab\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400", ""},
	{"chunk size 0x prefix", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nab\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400", ""},
	{"chunk line bare LF", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\nab\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400", ""},
	{"chunk data too long", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400", ""},
	{"chunked body cut by the client", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nab", "", ""},
}

func TestHTTP1Adversarial(t *testing.T) {
	pool := startPool(t, "echo", 1, nil, nil)
	for _, noFast := range []bool{false, true} {
		cfg := testConfig()
		cfg.ReadHeaderTimeout = 2 * time.Second
		cfg.ReadTimeout = 2 * time.Second
		f := startFront(t, cfg, pool, Options{NoFastPath: noFast})
		addr := strings.TrimPrefix(f.url, "http://")
		for _, tc := range http1Cases {
			name := map[bool]string{false: "fast/", true: "nethttp/"}[noFast] + tc.name
			t.Run(name, func(t *testing.T) {
				req, want := tc.req, tc.status
				if noFast && tc.std != "" {
					want = tc.std
				}
				if want == "-" {
					t.Skip("not held when net/http parses the head (docs/security.md)")
				}
				half := want == ""
				got, closed := rawExchange(t, addr, req, 5*time.Second)
				if half {
					// The client stops sending: http.read_timeout ends the
					// body read; 408, and the connection is closed.
					if !strings.HasPrefix(got, "HTTP/1.1 408") || !closed {
						t.Fatalf("body cut by the client: %q (closed %v), want 408 and a close", got, closed)
					}
					return
				}
				if !closed {
					t.Errorf("connection left open after %q", firstLine(got))
				}
				if !strings.HasPrefix(got, want) {
					t.Errorf("got %q, want %s", firstLine(got), want)
				}
				if n := strings.Count(got, "HTTP/1.1 ") + strings.Count(got, "HTTP/1.0 "); n != 1 || strings.Contains(got, `"path":"\/smuggled"`) {
					t.Errorf("%d responses (smuggled request served?): %q", n, truncateString(got, 600))
				}
			})
		}
		logs := f.logs.String()
		if strings.Contains(logs, "level=ERROR") {
			t.Errorf("client errors logged as server errors:\n%s", logs)
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\r\n")
	return l
}
