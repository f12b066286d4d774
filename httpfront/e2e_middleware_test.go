package httpfront

import (
	"compress/gzip"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// rawGet sends a request line as given (no client-side path cleaning).
func rawGet(t testing.TB, addr, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufioReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestE2EStatic(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	writeFile(t, filepath.Join(root, "app.css"), "body{color:red}")
	writeFile(t, filepath.Join(root, "sub", "big.txt"), strings.Repeat("0123456789", 100))
	writeFile(t, filepath.Join(root, "secret.php"), "<?php no();")
	writeFile(t, filepath.Join(root, ".env.txt"), "SECRET=1")
	writeFile(t, filepath.Join(root, ".git", "config.txt"), "x")
	writeFile(t, filepath.Join(root, "README"), "no extension")
	writeFile(t, filepath.Join(outside, "passwd.txt"), "outside")
	if err := os.Symlink(filepath.Join(outside, "passwd.txt"), filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	pool := startPool(t, "echo", 1, nil, nil)
	cfg := testConfig()
	cfg.Middleware = []string{"static"}
	cfg.Static = StaticConfig{Dir: root, Forbid: []string{".php"}, CalculateEtag: true,
		Response: map[string]string{"X-Static": "1"}}
	f := startFront(t, cfg, pool, Options{})
	addr := strings.TrimPrefix(f.url, "http://")

	fromPHP := func(body string) bool { return strings.Contains(body, `"pid":`) }

	resp, body := get(t, f.url+"/app.css")
	etag := resp.Header.Get("Etag")
	if resp.StatusCode != 200 || body != "body{color:red}" || !strings.HasPrefix(etag, `"`) ||
		resp.Header.Get("X-Static") != "1" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("static file: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp, _ := get(t, f.url+"/app.css", "If-None-Match", etag); resp.StatusCode != 304 {
		t.Errorf("If-None-Match: %d", resp.StatusCode)
	}
	lm := resp.Header.Get("Last-Modified")
	if resp, _ := get(t, f.url+"/app.css", "If-Modified-Since", lm); resp.StatusCode != 304 {
		t.Errorf("If-Modified-Since: %d", resp.StatusCode)
	}
	if resp, body := get(t, f.url+"/sub/big.txt", "Range", "bytes=10-14"); resp.StatusCode != 206 || body != "01234" {
		t.Errorf("Range: %d %q", resp.StatusCode, body)
	}
	// The ETag follows the content.
	time.Sleep(10 * time.Millisecond)
	writeFile(t, filepath.Join(root, "app.css"), "body{color:blue}")
	if resp, _ := get(t, f.url+"/app.css", "If-None-Match", etag); resp.StatusCode != 200 || resp.Header.Get("Etag") == etag {
		t.Errorf("changed file: %d etag %q", resp.StatusCode, resp.Header.Get("Etag"))
	}

	for _, path := range []string{"/secret.php", "/.env.txt", "/.git/config.txt", "/README", "/missing.css", "/sub", "/link.txt"} {
		if resp, body := get(t, f.url+path); resp.StatusCode != 200 || !fromPHP(body) {
			t.Errorf("%s should fall through to PHP: %d %q", path, resp.StatusCode, body)
		}
	}
	for _, target := range []string{"/../" + filepath.Base(outside) + "/passwd.txt", "/sub/../../x.txt", "/%2e%2e/x.txt", "/sub/%2E%2E/%2e%2e/x.txt", "/a/..%2fb.txt"} {
		if st, body := rawGet(t, addr, target); st != 403 {
			t.Errorf("traversal %s: %d %q", target, st, body)
		}
	}
	if !strings.Contains(f.logs.String(), "path traversal refused") {
		t.Errorf("traversal not logged:\n%s", f.logs.String())
	}
}

func TestE2EGzip(t *testing.T) {
	pool := startPool(t, "special", 1, nil, nil)
	cfg := testConfig()
	cfg.Middleware = []string{"gzip"}
	f := startFront(t, cfg, pool, Options{})
	want := strings.Repeat("phprun compresses text well. ", 400)

	resp, body := get(t, f.url+"/big", "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("not compressed: %v", resp.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != want || len(body) >= len(want)/4 {
		t.Errorf("gunzipped %d bytes (compressed %d)", len(plain), len(body))
	}
	for _, tc := range []struct{ path, ae string }{
		{"/big", ""},                    // client does not accept gzip
		{"/big", "gzip;q=0"},            // ... explicitly
		{"/big?type=image/png", "gzip"}, // not compressible
		{"/", "gzip"},                   // too small
		{"/big?type=application/zip", "gzip"},
	} {
		resp, body := get(t, f.url+tc.path, "Accept-Encoding", tc.ae)
		if resp.Header.Get("Content-Encoding") != "" || resp.StatusCode != 200 {
			t.Errorf("%s (%q): compressed or failed: %d %v", tc.path, tc.ae, resp.StatusCode, resp.Header)
		}
		if tc.path != "/" && body != want {
			t.Errorf("%s: body changed", tc.path)
		}
	}
}

// TestE2EGzipStream checks that gzip does not hold back streamed chunks.
func TestE2EGzipStream(t *testing.T) {
	pool := startPool(t, "stream", 1, nil, nil)
	cfg := testConfig()
	cfg.Middleware = []string{"gzip"}
	f := startFront(t, cfg, pool, Options{})
	req, _ := http.NewRequest("GET", f.url+"/s?chunks=3&ms=400", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("stream not compressed: %v", resp.Header)
	}
	start := time.Now()
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if _, err := io.ReadFull(zr, buf); err != nil || string(buf) != "chunk 1\n" {
		t.Fatalf("first chunk %q %v", buf, err)
	}
	if el := time.Since(start); el > 300*time.Millisecond {
		t.Errorf("first gzip chunk after %v: not flushed", el)
	}
	rest, _ := io.ReadAll(zr)
	if string(rest) != "chunk 2\nchunk 3\ndone\n" {
		t.Errorf("rest %q", rest)
	}
}

func TestE2EHeadersAndCORS(t *testing.T) {
	pool := startPool(t, "echo", 1, nil, nil)
	cfg := testConfig()
	cfg.Middleware = []string{"headers"}
	cfg.Headers = HeadersConfig{
		Request:  map[string]string{"X-From-Front": "yes"},
		Response: map[string]string{"X-Served-By": "phprun"},
		CORS: &CORSConfig{AllowedOrigin: "https://a.example, https://b.example", AllowedMethods: "GET, POST",
			AllowedHeaders: "Content-Type, X-Token", AllowCredentials: true, ExposedHeaders: "X-Total", MaxAge: 600,
			OptionsSuccessStatus: 204},
	}
	f := startFront(t, cfg, pool, Options{})

	resp, body := get(t, f.url+"/x", "Origin", "https://a.example")
	e := decodeEcho(t, body)
	if headerValue(e.Headers, "X-From-Front") != "yes" || resp.Header.Get("X-Served-By") != "phprun" {
		t.Errorf("fixed headers: req %v resp %v", e.Headers, resp.Header)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://a.example" || resp.Header.Get("Access-Control-Allow-Credentials") != "true" ||
		resp.Header.Get("Access-Control-Expose-Headers") != "X-Total" {
		t.Errorf("CORS on simple request: %v", resp.Header)
	}
	if resp, _ := get(t, f.url+"/x", "Origin", "https://evil.example"); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed: %v", resp.Header)
	}
	pre, _ := http.NewRequest("OPTIONS", f.url+"/x", nil)
	pre.Header.Set("Origin", "https://b.example")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "x-token")
	resp, body = do(t, nil, pre)
	if resp.StatusCode != 204 || body != "" || resp.Header.Get("Access-Control-Allow-Methods") != "POST" ||
		resp.Header.Get("Access-Control-Max-Age") != "600" || resp.Header.Get("Access-Control-Allow-Origin") != "https://b.example" {
		t.Errorf("preflight: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	pre.Header.Set("Access-Control-Request-Method", "DELETE")
	if resp, _ := do(t, nil, pre); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("disallowed method got CORS headers: %v", resp.Header)
	}
}

func TestE2EProxyIP(t *testing.T) {
	pool := startPool(t, "echo", 1, nil, nil)
	for _, tc := range []struct {
		subnets []string
		hdr     []string
		want    string
	}{
		{[]string{"127.0.0.0/8"}, []string{"X-Forwarded-For", "203.0.113.7, 10.0.0.1"}, "203.0.113.7"},
		{[]string{"127.0.0.0/8"}, []string{"Forwarded", `for="[2001:db8::1]:4711";proto=https`}, "2001:db8::1"},
		{[]string{"127.0.0.0/8"}, []string{"X-Real-Ip", "198.51.100.2"}, "198.51.100.2"},
		// RoadRunner's TestXForwardedFor: a non-address value is passed verbatim.
		{[]string{"127.0.0.0/8"}, []string{"X-Forwarded-For", "not-an-ip"}, "not-an-ip"},
		{[]string{"10.0.0.0/8"}, []string{"X-Forwarded-For", "203.0.113.7"}, "127.0.0.1"}, // peer not trusted
	} {
		cfg := testConfig()
		cfg.Middleware = []string{"proxy_ip_parser"}
		cfg.TrustedSubnets = tc.subnets
		f := startFront(t, cfg, pool, Options{})
		_, body := get(t, f.url+"/", tc.hdr...)
		if got := decodeEcho(t, body).RemoteAddr; got != tc.want {
			t.Errorf("%v %v: remoteAddr %q, want %q", tc.subnets, tc.hdr, got, tc.want)
		}
	}
}

// Requests net/http's parser rejects get its 4xx and a log line naming
// the cause, on the plain port and over TLS (where tlsListener hands
// net/http a connection that sees the plaintext).
func TestE2EMalformedRequests(t *testing.T) {
	pool := startPool(t, "echo", 1, nil, nil)
	certFile, keyFile, roots := selfSigned(t)
	cfg := testConfig()
	cfg.MaxHeaderBytes = 4096
	cfg.SSL = SSLConfig{Address: "127.0.0.1:0", Cert: certFile, Key: keyFile}
	f := startFront(t, cfg, pool, Options{})
	dialPlain := func() (net.Conn, error) { return net.Dial("tcp", strings.TrimPrefix(f.url, "http://")) }
	dialTLS := func() (net.Conn, error) {
		return tls.Dial("tcp", f.srv.TLSAddr(), &tls.Config{RootCAs: roots, NextProtos: []string{"http/1.1"}})
	}
	for _, tc := range []struct {
		name string
		dial func() (net.Conn, error)
		url  string
	}{
		{"plain", dialPlain, f.url},
		{"tls", dialTLS, "https://" + f.srv.TLSAddr()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.logs.String())
			send := func(raw string) int {
				conn, err := tc.dial()
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(5 * time.Second))
				io.WriteString(conn, raw)
				resp, err := http.ReadResponse(bufioReader(conn), nil)
				if err != nil {
					t.Fatalf("%q: %v", raw[:min(len(raw), 40)], err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if st := send("GET / HTTP/1.1\r\nHost: x\r\nX-Bomb: " + strings.Repeat("a", 64<<10) + "\r\n\r\n"); st != 431 {
				t.Errorf("header bomb: %d", st)
			}
			if st := send("GARBAGE\r\n\r\n"); st != 400 {
				t.Errorf("garbage: %d", st)
			}
			if st := send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"); st != 400 {
				t.Errorf("negative length: %d", st)
			}
			client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
			resp, body := do(t, client, mustReq(t, "GET", tc.url+"/"))
			if e := decodeEcho(t, body); resp.StatusCode != 200 || e.URI != tc.url+"/" {
				t.Errorf("server broken afterwards: %d %q", resp.StatusCode, e.URI)
			}
			logs := f.logs.String()[before:]
			if !strings.Contains(logs, "431 Request Header Fields Too Large") || strings.Count(logs, `status="400 Bad Request"`) != 2 {
				t.Errorf("rejections not logged:\n%s", logs)
			}
		})
	}
	// Plain HTTP on the TLS port: net/http's answer, and a log line.
	t.Run("plain http to tls", func(t *testing.T) {
		conn, err := net.Dial("tcp", f.srv.TLSAddr())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufioReader(conn), nil)
		if err != nil || resp.StatusCode != 400 {
			t.Fatalf("plain HTTP to the TLS port: %v %v", resp, err)
		}
		waitFor(t, func() bool {
			return strings.Contains(f.logs.String(), "client sent an HTTP request to an HTTPS server")
		})
	})
}
