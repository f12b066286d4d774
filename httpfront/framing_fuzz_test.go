package httpfront

import (
	"bufio"
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/phprun/phprun/httpfront/internal/h1"
)

// FuzzFramingFault: whatever head passes h1.FramingFault, net/http must read
// it with unambiguous framing: never a chunked request whose head also
// had a Content-Length line, never a Transfer-Encoding on HTTP/1.0, never
// a folded line. The oracle is a plain line-by-line reading, written
// independently of h1.FramingFault.
func FuzzFramingFault(f *testing.F) {
	for _, c := range http1Cases {
		if end := strings.Index(c.req, "\r\n\r\n"); end >= 0 {
			f.Add([]byte(c.req[:end+4]))
		}
	}
	f.Add([]byte("GET / HTTP/1.1\r\nHost: h\r\n\r\n"))
	f.Fuzz(func(t *testing.T, head []byte) {
		// Shape the input as peekHead hands heads over (FuzzSimpleHead).
		head = bytes.ReplaceAll(bytes.ReplaceAll(head, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
		if end := bytes.Index(head, []byte("\r\n\r\n")); end >= 0 {
			head = head[:end+4]
		} else {
			head = append(head, []byte("\r\n\r\n")...)
		}
		if len(head) > h1.HeadMax {
			return
		}
		if h1.FramingFault(head) != "" {
			return
		}
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
		if err != nil {
			return // net/http refuses it: no framing to get wrong
		}
		lines := strings.Split(string(head), "\r\n")
		var cl, te, fold bool
		for _, l := range lines[1:] {
			low := strings.ToLower(l)
			cl = cl || strings.HasPrefix(low, "content-length:")
			te = te || strings.HasPrefix(low, "transfer-encoding:")
			fold = fold || strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")
		}
		switch {
		case fold:
			t.Fatalf("folded head passed: %q", head)
		case len(req.TransferEncoding) > 0 && cl:
			t.Fatalf("chunked head with Content-Length passed: %q", head)
		case te && req.ProtoMajor == 1 && req.ProtoMinor == 0:
			t.Fatalf("HTTP/1.0 head with Transfer-Encoding passed: %q", head)
		}
	})
}
