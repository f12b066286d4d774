package h1

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The handler and the table of TestFastMatchesStd.

// fastModTime and fastContent are what /content serves.
var fastModTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

const fastContent = "0123456789abcdefghijklmnopqrstuvwxyz"

// fastText returns n ≤ 256 KiB bytes of numbered lines, so that a diff
// shows where. They are made once: under -race, making them per request
// could take longer than fastIdle.
func fastText(n int) []byte { return fastTextOnce()[:n:n] }

var fastTextOnce = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < 256<<10; i++ {
		fmt.Fprintf(&b, "line %06d of a long body\n", i)
	}
	return b.Bytes()
})

// fastHandler dispatches on the path to one handler behaviour each; any
// other path gets the dump of the request.
func fastHandler() http.Handler {
	write := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }
	}
	status := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(code)
			io.WriteString(w, "x")
		}
	}
	header := func(k, v, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(k, v)
			io.WriteString(w, body)
		}
	}
	flush := func(w http.ResponseWriter) { w.(http.Flusher).Flush() }
	routes := map[string]http.HandlerFunc{
		"/hello":    write("hello, world\n"),
		"/html":     write("<!DOCTYPE html><html><body>hi</body></html>"),
		"/bin":      write("\x00\x01\x02\x03bin\xff"),
		"/empty":    func(w http.ResponseWriter, r *http.Request) {},
		"/ctype":    header("Content-Type", "application/json", `{"a":1}`),
		"/encoded":  header("Content-Encoding", "gzip", "<html>"),
		"/nosniff":  header("X-Content-Type-Options", "nosniff", "<html>"),
		"/date":     header("Date", "Tue, 01 Jan 2019 00:00:00 GMT", "dated"),
		"/cl-ok":    header("Content-Length", "5", "hello"),
		"/cl-small": header("Content-Length", "3", "hello"),
		"/cl-large": header("Content-Length", "10", "hello"),
		"/cl-bad":   header("Content-Length", "abc", "hello"),
		"/cl-neg":   header("Content-Length", "-1", "hello"),
		"/cl-head":  header("Content-Length", "100", ""),
		"/te-chunk": header("Transfer-Encoding", "chunked", "abc"),
		"/te-ident": header("Transfer-Encoding", "identity", "abc"),
		"/close":    header("Connection", "close", "bye"),
		"/alive":    header("Connection", "keep-alive", "hi"),
		"/s999":     status(999),
		"/s600":     status(600),
		"/s99":      status(99),
		"/s418":     status(http.StatusTeapot),
		"/s204": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(204)
		},
		"/s204-body": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(204)
			io.WriteString(w, "x")
		},
		"/s304": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Length", "10")
			w.Header().Set("Etag", `"v1"`)
			w.WriteHeader(304)
			io.WriteString(w, "x")
		},
		"/no-sniff": func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil
			io.WriteString(w, "<html>")
		},
		"/cl-te": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "5")
			w.Header().Set("Transfer-Encoding", "chunked")
			io.WriteString(w, "hello")
		},
		"/s103": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", "</a.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.Header().Del("Link")
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(200)
			io.WriteString(w, "ok")
		},
		"/s103-keep": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", "</a.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			io.WriteString(w, "ok")
		},
		"/s100": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusContinue)
			io.WriteString(w, "ok")
		},
		"/twice": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(201)
			w.WriteHeader(202)
			io.WriteString(w, "x")
		},
		"/nowh": func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "a")
			io.WriteString(w, "b")
		},
		"/late": func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "x")
			w.Header().Set("X-Late", "1")
		},
		"/flush": func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "a")
			flush(w)
			io.WriteString(w, "b")
		},
		"/flush-first": func(w http.ResponseWriter, r *http.Request) {
			flush(w)
			io.WriteString(w, "x")
		},
		"/flush-only": func(w http.ResponseWriter, r *http.Request) { flush(w) },
		"/trailer-prefix": func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "body")
			w.Header().Set(http.TrailerPrefix+"X-Tr", "v")
		},
		"/trailer": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "X-Sum")
			io.WriteString(w, "body")
			w.Header().Set("X-Sum", "42")
		},
		"/trailer-flush": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "X-Sum, X-Other")
			io.WriteString(w, "a")
			flush(w)
			io.WriteString(w, "b")
			w.Header().Set("X-Sum", "42")
		},
		"/multi": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("X-M", "a")
			w.Header().Add("X-M", "b")
			w.Header().Add("Set-Cookie", "a=1")
			w.Header().Add("Set-Cookie", "b=2; Path=/")
			io.WriteString(w, "multi")
		},
		"/crlf": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-A", "a\r\nInjected: 1")
			w.Header().Set("X-B", "b\nc")
			w.Header().Set("X-C", "c\rd")
			io.WriteString(w, "ok")
		},
		"/badname": func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Bad Name"] = []string{"x"}
			w.Header()["X:y"] = []string{"x"}
			w.Header()[""] = []string{"x"}
			w.Header()["X-Ok"] = []string{"x"}
			io.WriteString(w, "ok")
		},
		"/panic": func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "partial")
			panic("boom")
		},
		"/abort": func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) },
		"/panic-flushed": func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "partial")
			flush(w)
			panic("boom")
		},
		"/panic-3k": func(w http.ResponseWriter, r *http.Request) {
			w.Write(fastText(3000))
			panic("boom")
		},
		"/content": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Etag", `"v1"`)
			http.ServeContent(w, r, "c.txt", fastModTime, bytes.NewReader([]byte(fastContent)))
		},
		"/error":    func(w http.ResponseWriter, r *http.Request) { http.Error(w, "nope", http.StatusTeapot) },
		"/redirect": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/target?x=1", http.StatusFound) },
		"/readfrom": func(w http.ResponseWriter, r *http.Request) {
			io.Copy(w, io.LimitReader(bytes.NewReader(fastText(5000)), 5000)) // not a WriterTo: w.ReadFrom runs
		},
		"/bytes": func(w http.ResponseWriter, r *http.Request) {
			var n, parts int
			fmt.Sscan(r.FormValue("n"), &n)
			fmt.Sscan(r.FormValue("parts"), &parts)
			n = min(max(n, 0), 256<<10)
			if r.FormValue("cl") != "" {
				w.Header().Set("Content-Length", fmt.Sprint(n))
			}
			b := fastText(n)
			for i := range max(parts, 1) {
				w.Write(b[i*n/max(parts, 1) : (i+1)*n/max(parts, 1)])
			}
		},
		"/echo": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			b, err := io.ReadAll(r.Body)
			fmt.Fprintf(w, "%d bytes, err %v\n", len(b), err)
			w.Write(b)
		},
		"/noread": write("ok"),
		"/rc": func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			fmt.Fprintf(w, "read deadline: %v\n", rc.SetReadDeadline(time.Time{}))
			fmt.Fprintf(w, "write deadline: %v\n", rc.SetWriteDeadline(time.Time{}))
			fmt.Fprintf(w, "full duplex: %v\n", rc.EnableFullDuplex())
			fmt.Fprintf(w, "flush: %v\n", rc.Flush())
		},
		"/hijack": func(w http.ResponseWriter, r *http.Request) {
			c, rw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				http.Error(w, "hijack: "+err.Error(), http.StatusInternalServerError)
				return
			}
			defer c.Close()
			fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
			rw.Flush()
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := routes[r.URL.Path]; ok {
			h(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fastDump(w, r, true)
	})
}

// fastReq is a request head: the request line, then header lines.
func fastReq(line string, hdr ...string) string {
	return line + "\r\n" + strings.Join(append(hdr, ""), "\r\n") + "\r\n"
}

// fastGet is an HTTP/1.1 request with a Host header.
func fastGet(method, target string, hdr ...string) string {
	return fastReq(method+" "+target+" HTTP/1.1", append([]string{"Host: example.com"}, hdr...)...)
}

// fastPost is an HTTP/1.1 request with a Content-Length body.
func fastPost(target, body string, hdr ...string) string {
	return fastGet("POST", target, append(hdr, fmt.Sprintf("Content-Length: %d", len(body)))...) + body
}

// fastHeadOfSize is a GET of /dump whose head is n bytes long.
func fastHeadOfSize(n int) string {
	short := fastGet("GET", "/dump", "X-Pad: ")
	return fastGet("GET", "/dump", "X-Pad: "+strings.Repeat("p", n-len(short)))
}

// fastCases is the table of TestFastMatchesStd; the fuzz target starts
// from it too.
func fastCases() []fastCase {
	get := func(target string, hdr ...string) string { return fastGet("GET", target, hdr...) }
	hello := get("/hello")
	one := func(name string, segs ...string) fastCase { return fastCase{name: name, segs: segs} }
	cases := []fastCase{
		// Requests and connections.
		one("get", hello),
		one("get dump", get("/dump")),
		one("get headers", get("/dump", "User-Agent: test/1.0", "Accept: */*", "Accept-Encoding: gzip, br",
			"X-Empty:", "X-Spaces:   v  w  ", "x-lower: a", "CONTENT-TYPE: text/plain", "Content-Length: 0")),
		one("get query", get("/dump?a=1&b=2&a=3&c=%20x&d=%E2%82%AC&e")),
		one("get bad query escape", get("/dump?a=%zz&b=1")),
		one("get encoded path", get("/dump/a%2Fb%20c/..;x")),
		one("get fragment", get("/dump?q#frag")),
		one("get double slash", get("//dump//x")),
		one("get long uri", get("/dump/"+strings.Repeat("u", 3000))),
		one("absolute form", get("http://example.org:8080/dump?x=1")),
		one("absolute form https other host", get("https://other.example/dump")),
		one("absolute form no path", get("http://example.org")),
		one("authority form connect", fastGet("CONNECT", "example.org:443")),
		one("asterisk get", get("*")),
		one("relative target", get("dump")),
		one("options star", fastGet("OPTIONS", "*")),
		one("options path", fastGet("OPTIONS", "/dump")),
		one("obs-text value", get("/dump", "X-Latin: caf\xe9", "X-Utf8: caf\xc3\xa9")),
		one("duplicate headers", get("/dump", "X-Dup: a", "X-Dup: b", "Cookie: a=1", "Cookie: b=2", "Accept: a", "Accept: b")),
		one("host with port", fastReq("GET /dump HTTP/1.1", "Host: example.com:8080")),
		one("host ipv6", fastReq("GET /dump HTTP/1.1", "Host: [::1]:8080")),
		one("host empty", fastReq("GET /dump HTTP/1.1", "Host:")),
		one("host lower-case key", fastReq("GET /dump HTTP/1.1", "host: example.com")),
		one("connection close", get("/hello", "Connection: close")),
		one("connection close dump", get("/dump", "Connection: close")),
		one("connection Close list", get("/dump", "Connection: keep-alive, Close")),
		one("connection upgrade", get("/dump", "Connection: Upgrade", "Upgrade: websocket")),
		one("connection close after space", get("/dump", "Connection: 00000 Close")),
		one("connection closed", get("/dump", "Connection: closed")),
		one("connection keep-alive after space 1.0", fastReq("GET /hello HTTP/1.0", "Connection: x keep-alive")),
		one("pipelined 3", hello+get("/html")+get("/bin")),
		one("pipelined head get dump", fastGet("HEAD", "/hello")+hello+get("/dump")),
		one("pipelined then close", hello+get("/dump", "Connection: close")),
		one("second request after pause", hello, get("/dump")),
		one("head split mid header", "GET /hello HTTP/1.1\r\nHo", "st: x\r\n\r\n"),
		one("head split in request line", "GE", "T /hello HTTP/1.1\r\nHost: x\r\n\r\n"),
		one("head split before final crlf", "GET /hello HTTP/1.1\r\nHost: x\r\n", "\r\n"),
		one("head 6000 bytes", fastHeadOfSize(6000)),
		one("head 8192 bytes", fastHeadOfSize(8192)),
		one("head 8192 bytes pipelined", fastHeadOfSize(8192)+hello),
		one("head 8193 bytes", fastHeadOfSize(8193)),
		one("head 9000 bytes", fastHeadOfSize(9000)),
		one("head 20000 bytes", fastHeadOfSize(20000)),
		one("head incomplete", "GET /hello HTTP/1.1\r\nHost: x\r\n"),
		one("method lowercase", fastGet("get", "/dump")),
		one("method long", fastGet(strings.Repeat("M", 300), "/dump")),
		one("method patch", fastGet("PATCH", "/dump")),
		one("method delete", fastGet("DELETE", "/dump")),
		one("method invalid char", fastGet("GE@T", "/dump")),
		one("expect on get", get("/dump", "Expect: 100-continue")),
		one("expect unknown", get("/dump", "Expect: foo")),
		one("http/1.0", fastReq("GET /dump HTTP/1.0")),
		one("http/1.0 keep-alive", fastReq("GET /dump HTTP/1.0", "Connection: keep-alive")+fastReq("GET /hello HTTP/1.0")),
		one("http/1.0 keep-alive stays", fastReq("GET /hello HTTP/1.0", "Connection: keep-alive", "Host: x")),
		one("http/1.0 chunked response", fastReq("GET /flush HTTP/1.0", "Connection: keep-alive")),
		one("http/1.1 then http/1.0", hello+fastReq("GET /dump HTTP/1.0")),
		one("http/1.1 then garbage", hello+"hello world\r\n\r\n"),
		one("http/1.1 then chunked post", hello+fastGet("POST", "/echo", "Transfer-Encoding: chunked")+"5\r\nhello\r\n0\r\n\r\n"+hello),
		one("http/1.2", fastReq("GET /dump HTTP/1.2", "Host: x")),
		one("http/3.0", fastReq("GET /dump HTTP/3.0", "Host: x")),
		one("http/0.9", "GET /\r\n"),
		one("proto lowercase", fastReq("GET /dump http/1.1", "Host: x")),
		one("h2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
		one("tls client hello", "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"),

		// The client half-closes: what each server makes of the EOF. No
		// dumps here: when net/http notices the EOF during a handler is a
		// race, so r.Context().Err() would be too.
		{name: "eof at once", closeWrite: true},
		{name: "eof after request", segs: []string{hello}, closeWrite: true},
		{name: "eof in head", segs: []string{"GET /hello HTTP/1.1\r\nHost: x\r\n"}, closeWrite: true},
		{name: "eof in request line", segs: []string{"GET /hel"}, closeWrite: true},
		{name: "eof after request and 2 bytes", segs: []string{hello + "00"}, closeWrite: true},
		{name: "eof after request and 4 bytes", segs: []string{hello + "0000"}, closeWrite: true},
		{name: "eof after request and crlf", segs: []string{hello + "\r\n"}, closeWrite: true},
		{name: "eof in body", segs: []string{fastGet("POST", "/echo", "Content-Length: 10") + "hello"}, closeWrite: true},
		{name: "eof in chunked body", segs: []string{fastGet("POST", "/echo", "Transfer-Encoding: chunked") + "5\r\nhel"}, closeWrite: true},

		// Malformed requests: net/http's answers, status text and hang-ups.
		one("garbage request line", "hello world\r\n\r\n"),
		one("empty line", "\r\n"),
		one("leading crlf", "\r\n"+hello),
		one("request line extra field", fastReq("GET /dump HTTP/1.1 x", "Host: x")),
		one("request line double space", fastReq("GET  /dump HTTP/1.1", "Host: x")),
		one("request line tab", fastReq("GET\t/dump HTTP/1.1", "Host: x")),
		one("uri with space", fastReq("GET /a b HTTP/1.1", "Host: x")),
		one("missing host", fastReq("GET /hello HTTP/1.1")),
		one("two hosts", fastReq("GET /hello HTTP/1.1", "Host: a", "Host: b")),
		one("two equal hosts", fastReq("GET /hello HTTP/1.1", "Host: a", "Host: a")),
		one("invalid host", fastReq("GET /hello HTTP/1.1", "Host: a b")),
		one("invalid host ctl", fastReq("GET /hello HTTP/1.1", "Host: a\x01b")),
		one("header name with space", get("/dump", "Bad Name: x")),
		one("header name colon first", get("/dump", ": x")),
		one("header space before colon", get("/dump", "X-A : b")),
		one("header without colon", get("/dump", "NoColon")),
		one("header first line folded", fastReq("GET /dump HTTP/1.1", " X-A: b", "Host: x")),
		one("header obs-fold", get("/dump", "X-A: a", " b")),
		one("bare lf", "GET /dump HTTP/1.1\nHost: x\nX-A: b\n\n"),
		one("bare lf end of head", "GET /dump HTTP/1.1\r\nHost: x\r\n\n"),
		one("nul in value", get("/dump", "X-A: a\x00b")),
		one("cr in value", get("/dump", "X-A: a\rb")),
		one("del in value", get("/dump", "X-A: a\x7fb")),
		one("te unsupported", fastGet("POST", "/echo", "Transfer-Encoding: gzip")),
		one("te gzip chunked", fastGet("POST", "/echo", "Transfer-Encoding: gzip, chunked")+"0\r\n\r\n"),
		one("te identity", fastGet("POST", "/echo", "Transfer-Encoding: identity")),
		one("te twice", fastGet("POST", "/echo", "Transfer-Encoding: chunked", "Transfer-Encoding: chunked")+"0\r\n\r\n"),
		one("cl and te", fastGet("POST", "/echo", "Content-Length: 5", "Transfer-Encoding: chunked")+"0\r\n\r\n"),
		one("cl two values", fastGet("POST", "/echo", "Content-Length: 5", "Content-Length: 6")+"hello!"),
		one("cl same twice", fastGet("POST", "/echo", "Content-Length: 5", "Content-Length: 5")+"hello"+hello),
		one("cl list", fastGet("POST", "/echo", "Content-Length: 5, 5")+"hello"),
		one("cl negative", fastGet("POST", "/echo", "Content-Length: -5")),
		one("cl not a number", fastGet("POST", "/echo", "Content-Length: abc")),
		one("cl plus", fastGet("POST", "/echo", "Content-Length: +5")+"hello"),
		one("cl leading zeros", fastGet("POST", "/echo", "Content-Length: 005")+"hello"+hello),
		one("cl spaces", fastGet("POST", "/echo", "Content-Length:  5 ")+"hello"+hello),
		one("cl huge", fastGet("POST", "/echo", "Content-Length: 99999999999999999999")),
		one("te chunked on http/1.0", fastReq("POST /echo HTTP/1.0", "Transfer-Encoding: chunked")+"5\r\nhello\r\n0\r\n\r\n"),

		// Request bodies.
		one("post echo", fastPost("/echo", "hello")+hello),
		one("post dump", fastPost("/dump?q=1", "raw body", "Content-Type: text/plain")+hello),
		one("post form", fastPost("/dump?a=0", "a=1&b=2+3&c=%21", "Content-Type: application/x-www-form-urlencoded")+hello),
		one("post form bad escape", fastPost("/dump", "a=%zz", "Content-Type: application/x-www-form-urlencoded")+hello),
		one("post body after pause", fastGet("POST", "/echo", "Content-Length: 5"), "hello"+hello),
		one("post body split", fastGet("POST", "/echo", "Content-Length: 10")+"hello", "world"+hello),
		one("post without length", fastGet("POST", "/dump")+hello),
		one("put zero length", fastGet("PUT", "/dump", "Content-Length: 0")+hello),
		one("get with body", "GET"+fastPost("/dump", "abc")[len("POST"):]+hello),
		one("post noread small", fastPost("/noread", "0123456789")+hello),
		one("post noread body after pause", fastGet("POST", "/noread", "Content-Length: 10"), "0123456789"+hello),
		one("post noread 256KiB-1", fastPost("/noread", strings.Repeat("b", 256<<10-1))+hello),
		one("post noread 256KiB", fastPost("/noread", strings.Repeat("b", 256<<10))+hello),
		one("post noread 300KiB", fastPost("/noread", strings.Repeat("b", 300<<10))),
		one("post dump 100KiB", fastPost("/echo", strings.Repeat("e", 100<<10))+hello),
		one("post then crlf", fastPost("/echo", "hello")+"\r\n"+hello),
		one("post then lf lf", fastPost("/echo", "hello")+"\n\n"+hello),
		one("post then 3 crlf", fastPost("/echo", "hello")+"\r\n\r\n\r\n"+hello),
		one("get then crlf", hello+"\r\n"+hello),
		one("chunked post", fastGet("POST", "/echo", "Transfer-Encoding: chunked")+"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"+hello),
		one("chunked post trailer", fastGet("POST", "/dump", "Transfer-Encoding: chunked", "Trailer: X-T")+"3\r\nabc\r\n0\r\nX-T: v\r\n\r\n"+hello),
		one("chunked post bad size", fastGet("POST", "/echo", "Transfer-Encoding: chunked")+"zz\r\nhello\r\n0\r\n\r\n"),
		one("expect 100 echo", fastPost("/echo", "hello", "Expect: 100-continue")+hello),
		one("expect 100 body after pause", fastGet("POST", "/echo", "Expect: 100-continue", "Content-Length: 5"), "hello"+hello),
		one("expect 100 noread", fastPost("/noread", "hello", "Expect: 100-continue")),
		one("expect 100 zero length", fastPost("/echo", "", "Expect: 100-continue")+hello),
		one("expect 100 http/1.0", fastReq("POST /echo HTTP/1.0", "Expect: 100-continue", "Content-Length: 5")+"hello"),

		// http.ServeContent: ranges and validators.
		one("content", get("/content")),
		one("content range", get("/content", "Range: bytes=0-4")),
		one("content range suffix", get("/content", "Range: bytes=-3")+get("/content", "Range: bytes=30-")),
		one("content range unsatisfiable", get("/content", "Range: bytes=100-200")),
		one("content range invalid", get("/content", "Range: bytes=x")),
		one("content if-none-match", get("/content", `If-None-Match: "v1"`)),
		one("content if-none-match other", get("/content", `If-None-Match: "v0"`)),
		one("content if-modified-since", get("/content", "If-Modified-Since: "+fastModTime.Format(http.TimeFormat))),
		one("content if-range", get("/content", `If-Range: "v1"`, "Range: bytes=1-2")),
		one("content if-range stale", get("/content", `If-Range: "v0"`, "Range: bytes=1-2")),
		one("content if-match fails", get("/content", `If-Match: "v0"`)),
		one("content head range", fastGet("HEAD", "/content", "Range: bytes=0-4")),
	}
	// Every handler behaviour, by GET and by HEAD, each followed by a
	// pipelined GET that shows whether the connection was kept.
	for _, p := range []string{"/hello", "/html", "/bin", "/empty", "/ctype", "/encoded", "/nosniff", "/no-sniff",
		"/date", "/cl-ok", "/cl-small", "/cl-large", "/cl-bad", "/cl-neg", "/cl-head", "/cl-te", "/te-chunk",
		"/te-ident", "/close", "/alive", "/s999", "/s600", "/s99", "/s418", "/s204", "/s204-body", "/s304",
		"/s103", "/s103-keep", "/s100", "/twice", "/nowh", "/late", "/flush", "/flush-first", "/flush-only",
		"/trailer-prefix", "/trailer", "/trailer-flush", "/multi", "/crlf", "/badname", "/panic", "/abort",
		"/panic-flushed", "/panic-3k", "/error", "/redirect", "/readfrom", "/bytes?n=2047", "/bytes?n=2048",
		"/bytes?n=2049", "/bytes?n=4096&parts=4", "/bytes?n=2049&cl=1", "/bytes?n=204800",
		"/bytes?n=204800&cl=1", "/bytes?n=204800&parts=50", "/rc", "/hijack"} {
		cases = append(cases,
			one("handler GET "+p, get(p)+hello),
			one("handler HEAD "+p, fastGet("HEAD", p)+hello))
	}
	return cases
}
