package httpfront

import (
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Follows roadrunner-server/http tests TestHTTPXSendFile: the sendfile
// middleware sends the file the worker named in X-Sendfile, drops the
// header, keeps the worker's other headers; send's own checks give 403 for
// ".." and 404 for a missing file.
func TestRRXSendFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "well")
	want := strings.Repeat("x-sendfile payload ", 40000) // ~760 KB
	if err := os.WriteFile(file, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	cfg.Middleware = []string{"sendfile"}
	f := startRR(t, "xsendfile", 1, cfg, Options{}, nil)

	resp, body := get(t, f.url+"/?file="+url.QueryEscape(file))
	if resp.StatusCode != 200 || len(body) != len(want) || body != want {
		t.Fatalf("sendfile: %d, %d bytes (want %d)", resp.StatusCode, len(body), len(want))
	}
	if resp.Header.Get("X-Sendfile") != "" || resp.Header.Get("X-Worker") != "kept" ||
		resp.Header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("headers: %v", resp.Header)
	}
	if resp, _ := get(t, f.url+"/?file="+url.QueryEscape(filepath.Join(dir, "missing"))); resp.StatusCode != 404 {
		t.Errorf("missing file: %d, want 404", resp.StatusCode)
	}
	if resp, _ := get(t, f.url+"/?file="+url.QueryEscape("../etc/passwd")); resp.StatusCode != 403 {
		t.Errorf("path with ..: %d, want 403", resp.StatusCode)
	}

	// Without the middleware the header reaches the client untouched.
	plain := startFront(t, testConfig(), f.srv.exec, Options{})
	resp, body = get(t, plain.url+"/?file="+url.QueryEscape(file))
	if resp.Header.Get("X-Sendfile") != file || body != "worker body, replaced by the file" {
		t.Errorf("without sendfile: %v %q", resp.Header, body)
	}
}

// corsConfig is roadrunner-server/headers tests/configs/.rr-cors-headers.yaml.
func corsConfig() *CORSConfig {
	return &CORSConfig{AllowedOrigin: "*", AllowedHeaders: "*", AllowedMethods: "GET,POST,PUT,DELETE",
		AllowCredentials: true, ExposedHeaders: "Cache-Control,Content-Language,Content-Type,Expires,Last-Modified,Pragma",
		MaxAge: 600}
}

// Follows roadrunner-server/headers tests TestCORSWildcardOrigin,
// TestCORSOriginRegex and TestCORSOriginRegexRejectsNonMatchingOrigin.
func TestRRCORS(t *testing.T) {
	const origin = "http://foo.com"
	const exposed = "Cache-Control, Content-Language, Content-Type, Expires, Last-Modified, Pragma"
	for _, tc := range []struct {
		name, regex, wantOrigin string
	}{
		{"wildcard", "", "*"},
		{"regex", `^http://foo\.com$`, origin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Middleware = []string{"headers"}
			cfg.Headers.CORS = corsConfig()
			cfg.Headers.CORS.AllowedOriginRegex = tc.regex
			f := startRR(t, "echo", 1, cfg, Options{}, nil)

			pre, _ := http.NewRequest("OPTIONS", f.url, nil)
			pre.Header.Set("Access-Control-Request-Method", "GET")
			pre.Header.Set("Access-Control-Request-Headers", "origin, x-requested-with")
			pre.Header.Set("Origin", origin)
			resp, _ := do(t, nil, pre)
			h := resp.Header
			if resp.StatusCode != 200 || h.Get("Access-Control-Allow-Credentials") != "true" ||
				h.Get("Access-Control-Allow-Headers") != "origin, x-requested-with" ||
				h.Get("Access-Control-Allow-Methods") != "GET" || h.Get("Access-Control-Allow-Origin") != tc.wantOrigin ||
				h.Get("Access-Control-Max-Age") != "600" {
				t.Errorf("preflight: %d %v", resp.StatusCode, h)
			}

			resp, _ = get(t, f.url, "Origin", origin)
			h = resp.Header
			if resp.StatusCode != 201 || h.Get("Access-Control-Allow-Credentials") != "true" ||
				h.Get("Access-Control-Allow-Origin") != tc.wantOrigin || h.Get("Access-Control-Expose-Headers") != exposed {
				t.Errorf("actual request: %d %v", resp.StatusCode, h)
			}
			if tc.regex != "" {
				resp, _ = get(t, f.url, "Origin", "http://evil.example.com")
				if v := resp.Header.Get("Access-Control-Allow-Origin"); v != "" {
					t.Errorf("non-matching origin allowed: %q", v)
				}
			}
		})
	}
}

// Follows roadrunner-server/proxy_ip_parser tests TestXForwardedFor and
// TestForwarded: from a trusted peer, the left-most X-Forwarded-For entry
// and Forwarded's for= are taken as they are, IP or not.
func TestRRProxyIP(t *testing.T) {
	cfg := testConfig()
	cfg.Middleware = []string{"proxy_ip_parser"}
	cfg.TrustedSubnets = []string{"10.0.0.0/8", "127.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128"}
	f := startRR(t, "ip", 1, cfg, Options{}, nil)
	for _, tc := range []struct{ header, value, want string }{
		{"X-Forwarded-For", "9.10.11.12", "9.10.11.12"},
		{"X-Forwarded-For", "127.0.0.1", "127.0.0.1"},
		{"X-Forwarded-For", "9.10.11.12, 172.16.0.1", "9.10.11.12"},
		{"X-Forwarded-For", "foo.workstation", "foo.workstation"},
		{"Forwarded", "by=foo;for=3.11.0.1;host=foo.workstation;proto=http", "3.11.0.1"},
		{"Forwarded", "by=foo;for=127.0.0.1;host=foo.workstation;proto=http", "127.0.0.1"},
		{"Forwarded", "foo.workstation", "127.0.0.1"},
	} {
		if resp, body := get(t, f.url+"/?hello=world", tc.header, tc.value); resp.StatusCode != 200 || body != tc.want {
			t.Errorf("%s: %q: %d %q, want %q", tc.header, tc.value, resp.StatusCode, body, tc.want)
		}
	}
}

// RoadRunner starts with a middleware name it does not know (a warning in
// its log) and serves; phprun does the same (roadrunner-server/http
// TestHttpMiddleware registers only some of the listed middleware). The
// warning comes from Config.Warnings, which the config loader prints.
func TestRRUnknownMiddlewareServes(t *testing.T) {
	cfg := testConfig()
	cfg.Middleware = []string{"gzip", "otel", "no_such_thing"}
	f := startRR(t, "echo", 1, cfg, Options{}, nil)
	if resp, body := get(t, f.url+"/?hello=world"); resp.StatusCode != 201 || body != "WORLD" {
		t.Errorf("got %d %q", resp.StatusCode, body)
	}
	w := cfg.Warnings()
	if len(w) != 2 || !strings.Contains(w[0], `http.middleware[1]: middleware "otel"`) || !strings.Contains(w[1], `"no_such_thing"`) {
		t.Errorf("warnings: %q", w)
	}
}

// `forbid: [""]`, common in published configs, is accepted: static skips
// the empty entry (roadrunner-server/static Init), uploads treat it as
// "no extension" (roadrunner-server/http FileUpload.Open).
func TestRRForbidEmptyExtension(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("static a"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	cfg.Middleware = []string{"static"}
	cfg.Static.Dir = dir
	cfg.Static.Forbid = []string{""}
	cfg.Uploads.Forbid = []string{""}
	f := startRR(t, "upload", 1, cfg, Options{}, nil)
	if resp, body := get(t, f.url+"/a.txt"); resp.StatusCode != 200 || body != "static a" {
		t.Errorf("static with forbid [\"\"]: %d %q", resp.StatusCode, body)
	}
	_, body := postMultipart(t, f.url+"/", [][3]string{{"plain", "README", "no ext"}, {"txt", "a.txt", "has ext"}})
	got := decodeUploads(t, body)
	sum := sha1.Sum([]byte("has ext"))
	if got["plain"].Error != uploadExtension || got["txt"].Error != 0 || got["txt"].SHA1 != hex.EncodeToString(sum[:]) {
		t.Errorf("uploads with forbid [\"\"]: %+v", got)
	}
}

// The sendfile middleware costs no allocation on a request without
// X-Sendfile (STYLE.md 6).
func TestSendfileNoAllocs(t *testing.T) {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	m := &sendfileMiddleware{next: inner}
	w := &nopWriter{h: http.Header{}}
	r, _ := http.NewRequest("GET", "/", nil)
	if n := testing.AllocsPerRun(100, func() { m.ServeHTTP(w, r) }); n != 0 {
		t.Errorf("%v allocations per request", n)
	}
}
