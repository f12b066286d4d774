package httpfront

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"strconv"
	"strings"
	"testing"

	"github.com/phprun/phprun/engine"
)

// Follows roadrunner-server/http tests TestDebugModeResponse and handler
// TestHandleError_DebugMode_WritesEscapedError: under pool.debug the 500
// body holds the worker's error text, HTML-escaped, and every request gets
// a fresh worker.
func TestRRPoolDebug(t *testing.T) {
	debug := func(c *engine.Config) { c.Pool.Debug = true; c.Pool.NumWorkers = 0 }
	f := startRR(t, "debugfail", 1, testConfig(), Options{Debug: true}, debug)
	resp, body := get(t, f.url+"/")
	if resp.StatusCode != 500 || !strings.Contains(body, "Exception: test &lt;b&gt;") {
		t.Errorf("debug error: %d %q", resp.StatusCode, body)
	}

	pids := startRR(t, "pid", 1, testConfig(), Options{Debug: true}, debug)
	_, a := get(t, pids.url+"/")
	_, b := get(t, pids.url+"/")
	if a == "" || a == b {
		t.Errorf("pool.debug reused a worker: pids %q and %q", a, b)
	}
}

// Follows roadrunner-server/http handler TestHandleError_CustomInternalCode:
// a worker error answers http.internal_error_code with an empty body.
func TestRRInternalErrorCode(t *testing.T) {
	cfg := testConfig()
	cfg.InternalErrorCode = 418
	f := startRR(t, "debugfail", 1, cfg, Options{}, nil)
	resp, body := get(t, f.url+"/")
	if resp.StatusCode != 418 || body != "" || resp.ContentLength != 0 {
		t.Errorf("got %d %q (length %d), want 418 and no body", resp.StatusCode, body, resp.ContentLength)
	}
	if !strings.Contains(f.logs.String(), "Exception: test") {
		t.Errorf("the error text must still be logged:\n%s", f.logs.String())
	}
}

// Follows roadrunner-server/http handler TestServeHTTP_InvalidMultipart_Returns400
// and TestServeHTTP_TruncatedMultipart_Returns400 (RoadRunner master: a
// body that cannot be parsed is the client's fault).
func TestRRBadFormIs400(t *testing.T) {
	f := startRR(t, "upload", 1, testConfig(), Options{}, nil)
	for name, tc := range map[string][2]string{
		"invalid multipart":   {"multipart/form-data; boundary=xyz", "not multipart at all"},
		"truncated multipart": {"multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nhalf"},
		"bad urlencoded":      {"application/x-www-form-urlencoded", "a=%zz"},
	} {
		req, _ := http.NewRequest("POST", f.url+"/", strings.NewReader(tc[1]))
		req.Header.Set("Content-Type", tc[0])
		if resp, _ := do(t, nil, req); resp.StatusCode != 400 {
			t.Errorf("%s: %d, want 400", name, resp.StatusCode)
		}
	}
}

// Follows roadrunner-server/http handler TestFileTreePush: a plain field
// name sent twice keeps the first file (values keep the last).
func TestRRRepeatedUploadKeepsFirst(t *testing.T) {
	f := startRR(t, "upload", 1, testConfig(), Options{}, nil)
	_, body := postMultipart(t, f.url+"/", [][3]string{{"doc", "first.txt", "1"}, {"doc", "second.txt", "22"}})
	if got := decodeUploads(t, body)["doc"]; got.Name != "first.txt" || got.Size != 1 {
		t.Errorf("repeated field: %+v, want first.txt", got)
	}
}

// Follows roadrunner-server/http handler TestFileUploadOpen_MissingTempDir_ReportsNoTmpDir:
// a missing uploads.dir does not stop the server; each file reports
// UPLOAD_ERR_NO_TMP_DIR (6).
func TestRRMissingUploadsDir(t *testing.T) {
	cfg := testConfig()
	cfg.Uploads.Dir = t.TempDir() + "/missing"
	f := startRR(t, "upload", 1, cfg, Options{}, nil)
	resp, body := postMultipart(t, f.url+"/", [][3]string{{"a", "a.txt", "x"}, {"b", "b.txt", "y"}})
	got := decodeUploads(t, body)
	if resp.StatusCode != 200 || got["a"].Error != uploadNoTmpDir || got["b"].Error != uploadNoTmpDir {
		t.Errorf("got %d %q", resp.StatusCode, body)
	}
}

// Follows roadrunner-server/http tests TestStaticDisabled_Error: a static
// root that does not exist stops start-up.
func TestRRMissingStaticDir(t *testing.T) {
	cfg := testConfig()
	cfg.Static.Dir = t.TempDir() + "/abc"
	for _, mw := range [][]string{{"static"}, {"gzip"}} {
		cfg.Middleware = mw
		_, err := New(cfg, nil, Options{}) // config is checked before the executor
		if err == nil || !strings.Contains(err.Error(), "http.static.dir") || !strings.Contains(err.Error(), cfg.Static.Dir) {
			t.Errorf("middleware %v: got %v", mw, err)
		}
	}
}

// Follows roadrunner-server/http tests TestStream103 and handler
// TestWrite_EarlyHints_ScopedToInformationalResponse: each interim
// response carries only its own headers and none reaches the final one.
func TestRRInterimHeadersDoNotLeak(t *testing.T) {
	f := startRR(t, "hints", 1, testConfig(), Options{}, nil)
	type hint struct {
		code int
		h    textproto.MIMEHeader
	}
	var hints []hint
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			hints = append(hints, hint{code, h})
			return nil
		},
	})
	req, _ := http.NewRequestWithContext(ctx, "GET", f.url+"/", nil)
	resp, body := do(t, nil, req)
	if resp.StatusCode != 200 || body != "final" || resp.Header.Get("X-200") != "200" {
		t.Fatalf("final: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	for _, k := range []string{"Link", "X-100", "X-102", "X-103"} {
		if v := resp.Header.Get(k); v != "" {
			t.Errorf("interim header %s=%q leaked into the final response", k, v)
		}
	}
	if len(hints) == 0 || hints[len(hints)-1].code != 103 || hints[len(hints)-1].h.Get("Link") == "" {
		t.Fatalf("interim responses: %+v", hints)
	}
	for _, h := range hints {
		for _, k := range []string{"X-100", "X-102", "X-103"} {
			if v := h.h.Get(k); v != "" && k != "X-"+strconv.Itoa(h.code) {
				t.Errorf("%d carries %s from another interim response", h.code, k)
			}
		}
	}
}
