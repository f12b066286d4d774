package h1

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// BenchmarkServe measures the server loop alone (a Go handler answers
// hello world, no PHP) over one loopback keep-alive connection: the fast
// path against net/http's own loop. ns/op includes the client's share of
// the round trip; allocs/op are the server's (the client allocates
// nothing per request).
func BenchmarkServe(b *testing.B) {
	hello := []byte("Hello, World!")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(hello)
	})
	for _, fast := range []bool{true, false} {
		name := "fast"
		if !fast {
			name = "nethttp"
		}
		b.Run(name, func(b *testing.B) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			std := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
			if fast {
				fs := newFastServer(h, std, nil)
				go fs.Serve(ln)
				b.Cleanup(func() { fs.Close() })
			} else {
				go std.Serve(ln)
				b.Cleanup(func() { std.Close() })
			}
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			br := bufio.NewReaderSize(c, 4096)
			req := []byte("GET /hello HTTP/1.1\r\nHost: bench\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Write(req); err != nil {
					b.Fatal(err)
				}
				if n, err := readBenchResponse(br); err != nil || n != len(hello) {
					b.Fatalf("response: %d bytes, %v", n, err)
				}
			}
		})
	}
}

// readBenchResponse reads one response with a Content-Length body and
// returns the body's length, allocating nothing.
func readBenchResponse(br *bufio.Reader) (int, error) {
	cl := -1
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		if len(line) == 2 {
			break
		}
		if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
			cl, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
		}
	}
	if cl < 0 {
		return 0, errors.New("response without Content-Length")
	}
	_, err := br.Discard(cl)
	return cl, err
}
