package httpfront

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Adversarial cases for h2c (HTTP/2 with prior knowledge on the plain
// port). HTTP/2 frames carry their own lengths, so smuggling through
// Content-Length/Transfer-Encoding is refused by the protocol itself: a
// stream that tries it is reset, it never reaches PHP, and the connection
// goes on serving. A cut response is reset too (TestCutStreamLooksCut).
func TestH2CAdversarial(t *testing.T) {
	pool := startPool(t, "echo", 1, nil, nil)
	cfg := testConfig()
	cfg.HTTP2.H2C = true
	f := startFront(t, cfg, pool, Options{})
	addr := strings.TrimPrefix(f.url, "http://")

	open := func(t *testing.T) (net.Conn, *http2.Framer) {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.WriteString(c, http2.ClientPreface); err != nil {
			t.Fatal(err)
		}
		fr := http2.NewFramer(c, bufio.NewReader(c))
		if err := fr.WriteSettings(); err != nil {
			t.Fatal(err)
		}
		return c, fr
	}
	headers := func(kv ...string) []byte {
		var b bytes.Buffer
		enc := hpack.NewEncoder(&b)
		for i := 0; i+1 < len(kv); i += 2 {
			_ = enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]})
		}
		return b.Bytes()
	}
	base := []string{":method", "POST", ":scheme", "http", ":path", "/", ":authority", "x"}
	// outcome reads frames until stream 1 ends: "reset" or the :status.
	outcome := func(t *testing.T, fr *http2.Framer) string {
		t.Helper()
		dec := hpack.NewDecoder(4096, nil)
		for {
			fm, err := fr.ReadFrame()
			if err != nil {
				return "closed: " + err.Error()
			}
			switch fm := fm.(type) {
			case *http2.SettingsFrame:
				if !fm.IsAck() {
					_ = fr.WriteSettingsAck()
				}
			case *http2.RSTStreamFrame:
				if fm.StreamID == 1 {
					return "reset " + fm.ErrCode.String()
				}
			case *http2.GoAwayFrame:
				return "goaway " + fm.ErrCode.String()
			case *http2.HeadersFrame:
				if fm.StreamID == 1 {
					fields, _ := dec.DecodeFull(fm.HeaderBlockFragment())
					for _, hf := range fields {
						if hf.Name == ":status" {
							return hf.Value
						}
					}
				}
			}
		}
	}
	for _, tc := range []struct {
		name    string
		headers []string
		data    string
		want    string
	}{
		{"transfer-encoding chunked", append(base, "transfer-encoding", "chunked"), "0\r\n\r\n", "400"},
		{"connection header", append(base, "connection", "keep-alive"), "", "400"},
		{"content-length below the data", append(base, "content-length", "2"), "abcdef", "not served"},
		{"upper-case name", append(base, "X-Upper", "v"), "", "reset PROTOCOL_ERROR"},
		{"NUL in a value", append(base, "x-a", "a\x00b"), "", "reset PROTOCOL_ERROR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fr := open(t)
			if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: headers(tc.headers...), EndHeaders: true, EndStream: tc.data == ""}); err != nil {
				t.Fatal(err)
			}
			if tc.data != "" {
				_ = fr.WriteData(1, true, []byte(tc.data))
			}
			got := outcome(t, fr)
			if tc.want == "not served" && !strings.HasPrefix(got, "2") {
				return
			}
			if got != tc.want {
				t.Fatalf("stream 1: %s, want %s", got, tc.want)
			}
		})
	}
	t.Run("garbage after the preface", func(t *testing.T) {
		c, fr := open(t)
		if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		if got := outcome(t, fr); !strings.HasPrefix(got, "goaway") && !strings.HasPrefix(got, "closed") {
			t.Fatalf("got %s", got)
		}
	})
	// The front still serves h2c.
	_, fr := open(t)
	if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: headers(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "x"), EndHeaders: true, EndStream: true}); err != nil {
		t.Fatal(err)
	}
	if got := outcome(t, fr); got != "200" {
		t.Fatalf("plain request: %s", got)
	}
}
