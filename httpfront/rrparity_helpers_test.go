package httpfront

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/phprun/phprun/engine"
)

// The rrparity tests are phprun's black-box version of what RoadRunner's
// own tests assert (roadrunner-server/http tests/ and handler/, and the
// headers, send, proxy_ip_parser and status plugins). Each test names the
// upstream test it follows; the code and the worker are phprun's own
// (testdata/rr/worker.php, on the php-skeleton runtime).

// rrWorkerEnv names a PHP worker script that replaces testdata/rr/worker.php
// for the whole TestRR* suite. It exists so the suite can be run, out of
// tree, against a twin of worker.php written on the official spiral
// libraries (roadrunner-http's PSR7Worker): same modes, same answers. That
// worker runs with the machine's php.ini (the libraries need ext-json and,
// for some relays, ext-sockets); the in-tree worker runs with -n. See
// docs/compatibility.md for how it was used.
const rrWorkerEnv = "PHPRUN_RR_WORKER"

// rrWorkerCommand is the command line of one worker in the given mode.
func rrWorkerCommand(t *testing.T, mode string) []string {
	t.Helper()
	if other := os.Getenv(rrWorkerEnv); other != "" {
		script, err := filepath.Abs(other)
		if err != nil {
			t.Fatalf("%s=%s: %v", rrWorkerEnv, other, err)
		}
		if _, err := os.Stat(script); err != nil {
			t.Fatalf("%s: %v", rrWorkerEnv, err)
		}
		return []string{needPHP(t), script, mode}
	}
	script, err := filepath.Abs(filepath.Join("testdata", "rr", "worker.php"))
	if err != nil {
		t.Fatal(err)
	}
	return []string{needPHP(t), "-n", script, mode}
}

// startRR runs n real PHP workers of testdata/rr/worker.php (or of the
// script PHPRUN_RR_WORKER names) in the given mode behind a front built
// from cfg. mut may adjust the engine config.
func startRR(t *testing.T, mode string, n int, cfg Config, opts Options, mut func(*engine.Config)) *front {
	t.Helper()
	cmd := rrWorkerCommand(t, mode)
	pool := startPool(t, "echo", n, nil, func(c *engine.Config) {
		c.Server.Command = cmd
		if mut != nil {
			mut(c)
		}
	})
	return startFront(t, cfg, pool, opts)
}

// rrUploads is what worker.php's upload mode answers.
type rrUpload struct {
	Name  string `json:"name"`
	Size  int    `json:"size"`
	Error int    `json:"error"`
	SHA1  string `json:"sha1"`
}

// postMultipart sends files (field, filename, content) as multipart.
func postMultipart(t *testing.T, url string, files [][3]string) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range files {
		fw, err := mw.CreateFormFile(f[0], f[1])
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(f[2]))
	}
	mw.Close()
	req, err := http.NewRequest("POST", url, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return do(t, nil, req)
}

func decodeUploads(t *testing.T, body string) map[string]rrUpload {
	t.Helper()
	var m map[string]rrUpload
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("upload answer %q: %v", body, err)
	}
	return m
}
