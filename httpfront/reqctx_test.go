package httpfront

import (
	"crypto/tls"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

type jsonCtx struct {
	RemoteAddr string              `json:"remoteAddr"`
	Protocol   string              `json:"protocol"`
	Method     string              `json:"method"`
	URI        string              `json:"uri"`
	Headers    map[string][]string `json:"headers"`
	Cookies    map[string]string   `json:"cookies"`
	RawQuery   string              `json:"rawQuery"`
	Parsed     bool                `json:"parsed"`
	Uploads    json.RawMessage     `json:"uploads"`
	Attributes map[string]any      `json:"attributes"`
}

func TestRequestContext(t *testing.T) {
	r := httptest.NewRequest("GET", "http://example.com:8080/a%20b/c?x=1&y=%20", nil)
	r.RemoteAddr = "10.1.2.3:5555"
	r.Header.Set("X-Multi", "1")
	r.Header.Add("X-Multi", "2")
	r.Header.Set("X-Bin", "caf\xe9\"\\")
	r.Header.Set("Cookie", "a=hello%20world; b=x+y; bad=%zz; c=\"q\"")
	r.URL.Host = "" // as a server sees an origin-form request
	r.Host = "example.com:8080"
	out := appendRequestContext(nil, r, false, nil)
	var c jsonCtx
	if err := json.Unmarshal(out, &c); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if c.RemoteAddr != "10.1.2.3" || c.Protocol != "HTTP/1.1" || c.Method != "GET" {
		t.Errorf("basic fields: %+v", c)
	}
	if c.URI != "http://example.com:8080/a%20b/c?x=1&y=%20" {
		t.Errorf("uri = %q", c.URI)
	}
	if c.RawQuery != "x=1&y=%20" {
		t.Errorf("rawQuery = %q", c.RawQuery)
	}
	if _, ok := c.Headers["Host"]; ok {
		t.Error("Host must not be among headers")
	}
	if got := c.Headers["X-Multi"]; len(got) != 2 || got[1] != "2" {
		t.Errorf("X-Multi = %q", got)
	}
	if got := c.Headers["X-Bin"][0]; got != "caf\ufffd\"\\" {
		t.Errorf("X-Bin = %q", got)
	}
	want := map[string]string{"a": "hello world", "b": "x y", "c": "q"}
	if len(c.Cookies) != len(want) {
		t.Errorf("cookies = %v, want %v", c.Cookies, want)
	}
	for k, v := range want {
		if c.Cookies[k] != v {
			t.Errorf("cookie %s = %q, want %q", k, c.Cookies[k], v)
		}
	}
	if string(c.Uploads) != "null" || c.Parsed || c.Attributes == nil {
		t.Errorf("uploads %s parsed %v attributes %v", c.Uploads, c.Parsed, c.Attributes)
	}
}

func TestRequestContextTLSAndCRLF(t *testing.T) {
	r := httptest.NewRequest("POST", "/p?q=a", nil)
	r.TLS = &tls.ConnectionState{}
	r.Host = "h"
	r.URL.RawQuery = "a=1\r\nb"
	r.RemoteAddr = "::1"
	var c jsonCtx
	if err := json.Unmarshal(appendRequestContext(nil, r, true, &tree{kind: kindObject}), &c); err != nil {
		t.Fatal(err)
	}
	if c.URI != "https://h/p?a=1b" || c.RawQuery != "a=1b" || c.RemoteAddr != "::1" || !c.Parsed || string(c.Uploads) != "{}" {
		t.Errorf("%+v", c)
	}
}

func TestRemoteIP(t *testing.T) {
	for in, want := range map[string]string{"1.2.3.4:80": "1.2.3.4", "[::1]:80": "::1", "::1": "::1", "5.6.7.8": "5.6.7.8", "": ""} {
		if got := remoteIP(in); got != want {
			t.Errorf("remoteIP(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "q\"b\\", "\x00\x1f\t\n\r", "é😀", "\xff\xfe", strings.Repeat("x", 100) + "\x7f"} {
		var back string
		if err := json.Unmarshal(appendJSONString(nil, s), &back); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		want, _ := json.Marshal(s)
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("%q: round trip %q, encoding/json %q", s, back, wantBack)
		}
	}
}

func BenchmarkRequestContext(b *testing.B) {
	r := httptest.NewRequest("GET", "/hello?name=world", nil)
	r.Header.Set("User-Agent", "wrk")
	r.Header.Set("Accept", "*/*")
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = appendRequestContext(buf[:0], r, false, nil)
	}
}

func TestRequestContextAllocs(t *testing.T) {
	r := httptest.NewRequest("GET", "/hello?name=world", nil)
	r.Header.Set("User-Agent", "wrk")
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { buf = appendRequestContext(buf[:0], r, false, nil) }); n != 0 {
		t.Errorf("allocs = %v, want 0", n)
	}
}
