package httpfront

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/phprun/phprun/internal/cputime"
)

// BenchmarkHelloMetricsServer is the metrics cost through the real server
// path: the front listening on loopback (the h1 fast path), keep-alive
// connections as wrk opens them, two hello PHP workers, http_metrics off
// and on. The client is raw TCP that allocates nothing per request, so the
// process's CPU per request (cpu-ns/op) is the front's plus a small fixed
// client share; compare off and on from one interleaved run:
//
//	go test -run '^$' -bench HelloMetricsServer -count 6 ./httpfront/
func BenchmarkHelloMetricsServer(b *testing.B) {
	pool := startPool(b, "hello", 2, nil, nil)
	for _, v := range []struct {
		name string
		opts Options
	}{{"off", Options{}}, {"on", metricsOptions()}} {
		b.Run(v.name, func(b *testing.B) {
			f := startFront(b, testConfig(), pool, v.opts)
			addr := strings.TrimPrefix(f.url, "http://")
			req := []byte("GET /hello?name=world HTTP/1.1\r\nHost: bench\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n")
			b.SetParallelism(4) // 8 connections on 2 cores, wrk -c8 -t1 alike
			b.ReportAllocs()
			start := cputime.Self()
			b.RunParallel(func(pb *testing.PB) {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					b.Error(err)
					return
				}
				defer c.Close()
				br := bufio.NewReaderSize(c, 4096)
				for pb.Next() {
					if _, err := c.Write(req); err != nil {
						b.Error(err)
						return
					}
					if err := discardResponse(br); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(cputime.Self()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}

// discardResponse reads one 200 response with a Content-Length body,
// allocating nothing.
func discardResponse(br *bufio.Reader) error {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(line, []byte("HTTP/1.1 200 ")) {
		return errors.New("status line " + strconv.Quote(string(line)))
	}
	cl := -1
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) == 2 {
			break
		}
		if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
			cl, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
		}
	}
	if cl < 0 {
		return errors.New("response without Content-Length")
	}
	_, err = br.Discard(cl)
	return err
}
