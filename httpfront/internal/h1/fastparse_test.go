package h1

import (
	"bufio"
	"bytes"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// readRequestOf is what http.ReadRequest makes of head, and whether it
// consumed exactly the head.
func readRequestOf(head []byte) (*http.Request, bool, error) {
	br := bufio.NewReaderSize(bytes.NewReader(head), fastHeadMax)
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil, false, err
	}
	return req, br.Buffered() == 0, nil
}

// checkSimpleHead fails when parseSimpleHead accepts head but its Request
// differs in any field from http.ReadRequest's, and reports acceptance.
func checkSimpleHead(t testing.TB, head []byte) bool {
	t.Helper()
	var got http.Request
	if !parseSimpleHead(head, &got) {
		return false
	}
	want, exact, err := readRequestOf(head)
	if err != nil {
		t.Fatalf("parseSimpleHead accepted %q, ReadRequest refused it: %v", head, err)
	}
	if !exact {
		t.Fatalf("parseSimpleHead accepted %q, ReadRequest left bytes of it (a body?)", head)
	}
	if !reflect.DeepEqual(&got, want) {
		t.Fatalf("%q:\nparseSimpleHead %+v\nURL %+v\nReadRequest     %+v\nURL %+v", head, got, *got.URL, *want, *want.URL)
	}
	return true
}

func TestSimpleHeadMatchesReadRequest(t *testing.T) {
	accepted := []string{
		"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", // wrk
		"GET /index.php?x=1&y=%20z HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n" +
			"Accept: text/html,application/xhtml+xml\r\nAccept-Language: en-US,en;q=0.9\r\nAccept-Encoding: gzip, deflate, br\r\n" +
			"Cookie: a=b; c=d\r\nConnection: keep-alive\r\nUpgrade-Insecure-Requests: 1\r\n\r\n",
		"DELETE /a%2Fb/c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
		"PURGE /x HTTP/1.1\r\nhost: h\r\nx-lower-case: v\r\nX-MiXeD-cAsE: v\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: h\r\nCookie: a=1\r\nCookie: b=2\r\nX-Empty:\r\nX-Spaces:   padded \t \r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: h\r\nX-Obs: caf\xc3\xa9\r\nX-Tab: a\tb\r\nX-Colon: a:b:c\r\n\r\n",
		"GET //double/slash?q HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /frag#ment HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: [::1]:80\r\nunder_score: 1\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: \r\n\r\n", // accepted here; fastRequest hands it over (empty Host)
	}
	for _, h := range accepted {
		if !checkSimpleHead(t, []byte(h)) {
			t.Errorf("parseSimpleHead refused %q", h)
		}
	}
	refused := []string{
		"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
		"POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: h\r\nPragma: no-cache\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: h\r\nTrailer: X\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"GET /x HTTP/1.1\r\nX: y\r\n\r\n",
		"GET /x HTTP/1.1\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost : h\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: h\r\nX: a\r\n  continued\r\n\r\n",
		"GET /x HTTP/1.1\r\n Host: h\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: h\r\n: empty name\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: h\r\nno colon\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: h\r\nX: a\x00b\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: h\r\nX: a\x7fb\r\n\r\n",
		"GET http://h/x HTTP/1.1\r\nHost: h\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /x HTTP/1.0\r\nHost: h\r\n\r\n",
		"GET /a b HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /a\x01b HTTP/1.1\r\nHost: h\r\n\r\n",
		"G(T /x HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET  /x HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET x HTTP/1.1\r\nHost: h\r\n\r\n",
	}
	for _, h := range refused {
		if checkSimpleHead(t, []byte(h)) {
			t.Errorf("parseSimpleHead accepted %q", h)
		}
	}
	// Every head of the differential cases: where the simple parser takes
	// one, it must agree with ReadRequest.
	for _, c := range fastCases() {
		raw := []byte(strings.Join(c.segs, ""))
		if end := bytes.Index(raw, crlfcrlf); end >= 0 && !bytes.Contains(raw[:end], []byte("\n\n")) {
			head := raw[:end+4]
			if !bytes.Contains(bytes.ReplaceAll(head, []byte("\r\n"), nil), []byte("\n")) {
				checkSimpleHead(t, head)
			}
		}
	}
}

// FuzzSimpleHead: whatever head parseSimpleHead accepts, http.ReadRequest
// must read to the same Request.
func FuzzSimpleHead(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: h\r\n\r\n"))
	f.Add([]byte("GET /p?q=1 HTTP/1.1\r\nHost: h\r\nCookie: a\r\ncookie: b\r\nConnection: close\r\n\r\n"))
	f.Add([]byte("PUT /%zz HTTP/1.1\r\nHost: h\r\nX:  v \r\n\r\n"))
	f.Fuzz(func(t *testing.T, head []byte) {
		// Shape the input as peekHead hands heads over: CRLF line ends
		// only, ending at the first empty line, at most fastHeadMax bytes.
		head = bytes.ReplaceAll(bytes.ReplaceAll(head, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
		if end := bytes.Index(head, crlfcrlf); end >= 0 {
			head = head[:end+4]
		} else if bytes.HasSuffix(head, []byte("\r\n")) {
			head = append(head, "\r\n"...)
		} else {
			head = append(head, crlfcrlf...)
		}
		if len(head) > fastHeadMax {
			return
		}
		checkSimpleHead(t, head)
	})
}

func BenchmarkParseHead(b *testing.B) {
	heads := map[string]string{
		"wrk": "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n",
		"browser": "GET /index.php?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n" +
			"Accept: text/html,application/xhtml+xml\r\nAccept-Language: en-US,en;q=0.9\r\nAccept-Encoding: gzip, deflate, br\r\n" +
			"Cookie: a=b; c=d\r\nConnection: keep-alive\r\nUpgrade-Insecure-Requests: 1\r\n\r\n",
	}
	for _, name := range []string{"wrk", "browser"} {
		head := []byte(heads[name])
		b.Run(name+"/simple", func(b *testing.B) {
			b.ReportAllocs()
			var r http.Request
			for b.Loop() {
				if !parseSimpleHead(head, &r) {
					b.Fatal("refused")
				}
			}
		})
		b.Run(name+"/ReadRequest", func(b *testing.B) {
			b.ReportAllocs()
			rd := bytes.NewReader(head)
			br := bufio.NewReaderSize(rd, fastHeadMax)
			for b.Loop() {
				rd.Reset(head)
				br.Reset(rd)
				if _, err := http.ReadRequest(br); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
