package h1

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// With h2c the fast path still serves HTTP/1.1 and hands a connection
// that sends the HTTP/2 preface to net/http, which answers in HTTP/2: at
// the start of a connection (prior knowledge) and, as RoadRunner's h2c
// handler does, after HTTP/1.1 requests on it. Without h2c the preface is
// an HTTP/1.1 request like any other.
func TestFastH2CPreface(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Proto) })
	for _, tc := range []struct {
		name     string
		h2c      bool
		h1First  bool // an HTTP/1.1 request goes first on the connection
		wantHTTP bool // the answer to the preface is HTTP/1.1, not HTTP/2
	}{
		{"h2c, preface first", true, false, false},
		{"h2c, after an HTTP/1.1 request", true, true, false},
		{"plain, preface first", false, false, true},
		{"plain, after an HTTP/1.1 request", false, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			std := fastStdServer(h)
			if tc.h2c {
				std = fastH2C(std)
			}
			s := fastStart(t, fastImpls[1], std)
			c, err := net.DialTimeout("tcp", s.addr, time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			br := bufio.NewReader(c)
			if tc.h1First {
				io.WriteString(c, fastGet("GET", "/"))
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(body) != "HTTP/1.1" {
					t.Fatalf("HTTP/1.1 request: %d %q", resp.StatusCode, body)
				}
			}
			io.WriteString(c, http2.ClientPreface)
			fr := http2.NewFramer(c, br)
			if err := fr.WriteSettings(); err != nil {
				t.Fatal(err)
			}
			if tc.wantHTTP {
				line, err := br.ReadString('\n')
				if err != nil || !strings.HasPrefix(line, "HTTP/1.1 ") {
					t.Fatalf("answer to the preface: %q, %v; want an HTTP/1.1 status line", line, err)
				}
				return
			}
			f, err := fr.ReadFrame()
			if err != nil {
				t.Fatalf("answer to the preface: %v; want an HTTP/2 SETTINGS frame", err)
			}
			if sf, ok := f.(*http2.SettingsFrame); !ok || sf.IsAck() {
				t.Fatalf("first frame %v; want the server's SETTINGS", f)
			}
		})
	}
}

// An HTTP/2 stream in flight on a connection the fast path handed over
// finishes during Shutdown, which waits for it.
func TestFastH2CShutdownDrains(t *testing.T) {
	b := newFastBlocker(t)
	s := fastStart(t, fastImpls[1], fastH2C(fastStdServer(b)))
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: fastOverall}
	type result struct {
		proto, body string
		err         error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := client.Get("http://" + s.addr + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- result{resp.Proto, string(body), err}
	}()
	b.waitEntered(t)

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), fastOverall)
		defer cancel()
		shut <- s.srv.Shutdown(ctx)
	}()
	fastRefusedWithin(t, s.addr, 2*time.Second)
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v while an HTTP/2 stream was in flight", err)
	default:
	}
	b.release()
	if r := <-got; r.err != nil || r.proto != "HTTP/2.0" || r.body != "done" {
		t.Errorf("in-flight stream: %s %q %v; want HTTP/2.0 \"done\"", r.proto, r.body, r.err)
	}
	select {
	case err := <-shut:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(fastOverall):
		t.Fatal("Shutdown did not return after the stream finished")
	}
}
