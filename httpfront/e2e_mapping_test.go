package httpfront

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestE2ERequestMapping runs requests through real PHP workers
// (php-skeleton/examples/echo.php) and checks what PHP received.
func TestE2ERequestMapping(t *testing.T) {
	pool := startPool(t, "echo", 2, nil, nil)
	f := startFront(t, testConfig(), pool, Options{})

	type check func(t *testing.T, e echoed)
	for _, tc := range []struct {
		name   string
		method string
		path   string
		ctype  string
		body   string
		hdr    map[string]string
		check  check
	}{
		{name: "get", method: "GET", path: "/p/a%20b?x=1&y[]=2&y[]=3", hdr: map[string]string{"X-Custom": "v", "Cookie": "c1=a%20b; c2=x+y"},
			check: func(t *testing.T, e echoed) {
				host := strings.TrimPrefix(f.url, "http://")
				if e.Method != "GET" || e.URI != f.url+"/p/a%20b?x=1&y[]=2&y[]=3" || e.RawQuery != "x=1&y[]=2&y[]=3" {
					t.Errorf("method/uri/rawQuery: %q %q %q", e.Method, e.URI, e.RawQuery)
				}
				if e.Path != "/p/a b" && e.Path != "/p/a%20b" {
					t.Errorf("path %q", e.Path)
				}
				if e.RemoteAddr != "127.0.0.1" || e.Protocol != "HTTP/1.1" {
					t.Errorf("remoteAddr %q protocol %q", e.RemoteAddr, e.Protocol)
				}
				for k := range e.Headers {
					if strings.EqualFold(k, "host") {
						t.Errorf("Host leaked into headers: %s (%s)", headerKeys(e.Headers), host)
					}
				}
				if v := headerValue(e.Headers, "X-Custom"); v != "v" {
					t.Errorf("X-Custom = %q (%s)", v, headerKeys(e.Headers))
				}
				if e.Cookies["c1"] != "a b" || e.Cookies["c2"] != "x y" {
					t.Errorf("cookies %v", e.Cookies)
				}
			}},
		{name: "urlencoded", method: "POST", path: "/f", ctype: "application/x-www-form-urlencoded",
			body: "name=Jo&tags[]=a&tags[]=b&user[address][city]=Paris&empty=",
			check: func(t *testing.T, e echoed) {
				var pb map[string]any
				if err := json.Unmarshal(e.ParsedBody, &pb); err != nil {
					t.Fatalf("parsedBody %s: %v", e.ParsedBody, err)
				}
				want := `{"empty":"","name":"Jo","tags":["a","b"],"user":{"address":{"city":"Paris"}}}`
				if got, _ := json.Marshal(pb); string(got) != want {
					t.Errorf("parsedBody %s, want %s", got, want)
				}
			}},
		{name: "json body stays raw", method: "POST", path: "/j", ctype: "application/json", body: `{"a":[1,2]}`,
			check: func(t *testing.T, e echoed) {
				if e.Body != `{"a":[1,2]}` || string(e.ParsedBody) != "null" {
					t.Errorf("body %q parsedBody %s", e.Body, e.ParsedBody)
				}
			}},
		{name: "binary body", method: "PUT", path: "/b", ctype: "application/octet-stream", body: "a\x00b\r\nc",
			check: func(t *testing.T, e echoed) {
				if e.Body != "a\x00b\r\nc" {
					t.Errorf("body %q", e.Body)
				}
			}},
		{name: "options body never read", method: "OPTIONS", path: "/o", ctype: "text/plain", body: "ignored",
			check: func(t *testing.T, e echoed) {
				if e.Method != "OPTIONS" || e.Body != "" {
					t.Errorf("method %q body %q", e.Method, e.Body)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, f.url+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			for k, v := range tc.hdr {
				req.Header.Set(k, v)
			}
			resp, body := do(t, nil, req)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			tc.check(t, decodeEcho(t, body))
		})
	}

	t.Run("head", func(t *testing.T) {
		req, _ := http.NewRequest("HEAD", f.url+"/h", nil)
		resp, body := do(t, nil, req)
		if resp.StatusCode != 200 || body != "" {
			t.Errorf("HEAD: %d %q", resp.StatusCode, body)
		}
	})
	t.Run("conflicting form keys", func(t *testing.T) {
		req, _ := http.NewRequest("POST", f.url+"/c", strings.NewReader("a=1&a[b]=2"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, body := do(t, nil, req)
		if resp.StatusCode != 400 || !strings.Contains(body, "invalid multiple values") {
			t.Errorf("got %d %q", resp.StatusCode, body)
		}
		if !strings.Contains(f.logs.String(), "invalid multiple values") {
			t.Errorf("no log line names the cause: %s", f.logs.String())
		}
	})
}

// headerValue finds a header case-insensitively (PHP may lower-case names).
func headerValue(h map[string][]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}
