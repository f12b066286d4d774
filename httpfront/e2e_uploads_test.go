package httpfront

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type testFile struct{ field, name, content string }

func multipartBody(t testing.TB, fields [][2]string, files []testFile) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.content))
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

type echoUpload struct {
	Name    string `json:"name"`
	Mime    string `json:"mime"`
	Size    int64  `json:"size"`
	Error   int    `json:"error"`
	TmpName string `json:"tmpName"`
	Exists  bool   `json:"exists"`
	SHA1    string `json:"sha1"`
}

func sha1hex(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestE2EUploads(t *testing.T) {
	dir := t.TempDir()
	pool := startPool(t, "echo", 2, nil, nil)
	cfg := testConfig()
	cfg.Uploads = UploadsConfig{Dir: dir, Forbid: []string{".php", "exe"}}
	f := startFront(t, cfg, pool, Options{})

	body, ctype := multipartBody(t,
		[][2]string{{"title", "hello"}, {"meta[a][]", "1"}, {"meta[a][]", "2"}},
		[]testFile{
			{"single", "one.txt", "first file"},
			{"many[]", "a.txt", "A"}, {"many[]", "b.txt", "BB"},
			{"nested[x][y]", "deep.csv", "1,2,3"},
			{"bad", "shell.PHP", "<?php evil();"},
		})
	req, _ := http.NewRequest("POST", f.url+"/upload", body)
	req.Header.Set("Content-Type", ctype)
	resp, out := do(t, nil, req)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, out)
	}
	var e struct {
		ParsedBody map[string]any `json:"parsedBody"`
		Uploads    struct {
			Single echoUpload                       `json:"single"`
			Many   []echoUpload                     `json:"many"`
			Nested map[string]map[string]echoUpload `json:"nested"`
			Bad    echoUpload                       `json:"bad"`
		} `json:"uploads"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if got, _ := json.Marshal(e.ParsedBody); string(got) != `{"meta":{"a":["1","2"]},"title":"hello"}` {
		t.Errorf("parsedBody %s", got)
	}
	u := e.Uploads
	check := func(what string, got echoUpload, name, content string) {
		t.Helper()
		if got.Name != name || got.Error != 0 || got.Size != int64(len(content)) || !got.Exists || got.SHA1 != sha1hex(content) {
			t.Errorf("%s: %+v", what, got)
		}
		if !strings.HasPrefix(got.TmpName, dir+"/upload") {
			t.Errorf("%s: tmp file %q not in uploads.dir %s", what, got.TmpName, dir)
		}
	}
	check("single", u.Single, "one.txt", "first file")
	if len(u.Many) != 2 {
		t.Fatalf("many: %+v", u.Many)
	}
	check("many[0]", u.Many[0], "a.txt", "A")
	check("many[1]", u.Many[1], "b.txt", "BB")
	check("nested", u.Nested["x"]["y"], "deep.csv", "1,2,3")
	if u.Bad.Error != uploadExtension || u.Bad.TmpName != "" || u.Bad.Size != 0 || u.Bad.Name != "shell.PHP" {
		t.Errorf("forbidden upload: %+v", u.Bad)
	}
	if u.Single.Mime != "application/octet-stream" {
		t.Errorf("mime %q", u.Single.Mime)
	}
	// Temp files are removed once the response has been written.
	left, _ := os.ReadDir(dir)
	if len(left) != 0 {
		t.Errorf("temp files left after the response: %v", left)
	}
}

func TestE2EUploadAllowList(t *testing.T) {
	pool := startPool(t, "echo", 1, nil, nil)
	cfg := testConfig()
	cfg.Uploads = UploadsConfig{Dir: t.TempDir(), Allow: []string{".jpg"}, Forbid: []string{".jpg.exe"}}
	f := startFront(t, cfg, pool, Options{})
	body, ctype := multipartBody(t, nil, []testFile{{"ok", "p.JPG", "img"}, {"no", "p.png", "png"}})
	req, _ := http.NewRequest("POST", f.url+"/", body)
	req.Header.Set("Content-Type", ctype)
	_, out := do(t, nil, req)
	var e struct {
		Uploads map[string]echoUpload `json:"uploads"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatal(err)
	}
	if e.Uploads["ok"].Error != 0 || e.Uploads["no"].Error != uploadExtension {
		t.Errorf("allow list: %+v", e.Uploads)
	}
}

func TestE2EBodyLimits(t *testing.T) {
	dir := t.TempDir()
	pool := startPool(t, "echo", 1, nil, nil)
	cfg := testConfig()
	cfg.MaxRequestSize = 1 // MB
	cfg.Uploads.Dir = dir
	f := startFront(t, cfg, pool, Options{})
	big := strings.Repeat("x", 1<<20+1)

	t.Run("content-length", func(t *testing.T) {
		req, _ := http.NewRequest("POST", f.url+"/", strings.NewReader(big))
		resp, _ := do(t, nil, req)
		if resp.StatusCode != 413 {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
	t.Run("chunked", func(t *testing.T) {
		req, _ := http.NewRequest("POST", f.url+"/", struct{ *strings.Reader }{strings.NewReader(big)})
		req.ContentLength = -1
		resp, _ := do(t, nil, req)
		if resp.StatusCode != 413 {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
	t.Run("multipart chunked", func(t *testing.T) {
		body, ctype := multipartBody(t, nil, []testFile{{"f", "big.txt", big}})
		req, _ := http.NewRequest("POST", f.url+"/", struct{ *bytes.Buffer }{body})
		req.ContentLength = -1
		req.Header.Set("Content-Type", ctype)
		resp, _ := do(t, nil, req)
		if resp.StatusCode != 413 {
			t.Errorf("status %d", resp.StatusCode)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("partial upload left behind: %v", left)
		}
	})
	t.Run("just under the limit", func(t *testing.T) {
		req, _ := http.NewRequest("POST", f.url+"/", strings.NewReader(big[:1<<20]))
		req.Header.Set("Content-Type", "text/plain")
		resp, _ := do(t, nil, req)
		if resp.StatusCode != 200 {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
	if !strings.Contains(f.logs.String(), "too large") {
		t.Errorf("413s not logged with their cause: %s", f.logs.String())
	}
}

func TestE2EBadMultipart(t *testing.T) {
	pool := startPool(t, "echo", 1, nil, nil)
	cfg := testConfig()
	cfg.Uploads.Dir = t.TempDir()
	f := startFront(t, cfg, pool, Options{})
	for name, tc := range map[string]struct{ ctype, body string }{
		"no boundary":   {"multipart/form-data", "--x\r\n"},
		"truncated":     {"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue"},
		"bad header":    {"multipart/form-data; boundary=x", "--x\r\nno colon here\r\n\r\nv\r\n--x--\r\n"},
		"conflict keys": {"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x\r\nContent-Disposition: form-data; name=\"a[b]\"\r\n\r\n2\r\n--x--\r\n"},
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", f.url+"/", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			resp, body := do(t, nil, req)
			if resp.StatusCode != 400 {
				t.Errorf("status %d: %s", resp.StatusCode, body)
			}
		})
	}
	if n := strings.Count(f.logs.String(), "bad form"); n < 4 {
		t.Errorf("want 4 log lines naming the cause, got %d: %s", n, f.logs.String())
	}
}

// FuzzMultipartTree feeds arbitrary multipart bodies through the real
// parser: it must return a tree that encodes to valid JSON or an error, and
// leave no temp file behind once the caller cleans up. No recover.
func FuzzMultipartTree(f *testing.F) {
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"a[b][]\"\r\n\r\nv\r\n--B--\r\n"))
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"f[]\"; filename=\"x.txt\"\r\n\r\ndata\r\n--B\r\nContent-Disposition: form-data; name=\"f[]\"; filename=\"y.php\"\r\n\r\nd\r\n--B--\r\n"))
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B\r\nContent-Disposition: form-data; name=\"a[x]\"; filename=\"f\"\r\n\r\n2\r\n--B--\r\n"))
	dir := f.TempDir()
	pol := uploadPolicy{dir: dir, forbid: normExts([]string{".php"}, true)}
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := parseMultipart(bytes.NewReader(body), "multipart/form-data; boundary=B", &pol)
		defer func() {
			if rerr := removeFiles(res.created); rerr != nil {
				t.Fatal(rerr)
			}
		}()
		if err != nil {
			if !isTooLarge(err) && !strings.Contains(err.Error(), "bad form") {
				t.Fatalf("unexpected error class: %v", err)
			}
			return
		}
		for _, tr := range []*tree{res.data, res.uploads} {
			if tr == nil {
				continue
			}
			if out := tr.appendJSON(nil); !json.Valid(out) {
				t.Fatalf("invalid JSON %q", out)
			}
		}
	})
}

// TestUploadErrorCodes covers the PHP codes for problems with the temp
// dir, which Validate cannot catch once the server runs.
func TestUploadErrorCodes(t *testing.T) {
	pol := uploadPolicy{dir: filepath.Join(t.TempDir(), "gone")}
	var created []string
	u := &upload{name: "a.txt"}
	if err := pol.save(strings.NewReader("data"), u, &created); err != nil {
		t.Fatal(err)
	}
	if u.errCode != uploadNoTmpDir || u.tmpName != "" || len(created) != 0 {
		t.Errorf("missing dir: %+v %v", u, created)
	}
	// A read failure of the request body is the request's error, not the file's.
	pol.dir = t.TempDir()
	u = &upload{name: "b.txt"}
	err := pol.save(io.MultiReader(strings.NewReader("x"), errReader{}), u, &created)
	if err == nil || len(created) != 1 {
		t.Errorf("read failure: err %v created %v", err, created)
	}
	if err := removeFiles(created); err != nil {
		t.Error(err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestE2ERawBody(t *testing.T) {
	pool := startPool(t, "echo", 1, nil, nil)
	cfg := testConfig()
	cfg.RawBody = true
	f := startFront(t, cfg, pool, Options{})
	req, _ := http.NewRequest("POST", f.url+"/", strings.NewReader("a=1&b[]=2"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, body := do(t, nil, req)
	e := decodeEcho(t, body)
	if e.Body != "a=1&b[]=2" || string(e.ParsedBody) != "null" {
		t.Errorf("raw_body: body %q parsed %s", e.Body, e.ParsedBody)
	}
}
