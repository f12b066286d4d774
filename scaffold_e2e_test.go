//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestInitServeE2E is the whole first-run story: `phprun init` into an
// empty directory, `phprun serve --headless` there, the template's pages
// and static file over real HTTP, then SIGTERM and a clean exit that leaves
// no PHP process behind. It builds the real binary and runs real PHP.
func TestInitServeE2E(t *testing.T) {
	if _, err := exec.LookPath("php"); err != nil {
		t.Skip("php is not installed; the end-to-end init test needs php-cli")
	}
	bin := initBuildPhprun(t)

	for _, tmpl := range []string{"default", "psr7"} {
		t.Run(tmpl, func(t *testing.T) {
			if tmpl == "psr7" && !initNyholmAvailable() {
				t.Skip("nyholm/psr7 is not installed (Debian: php-nyholm-psr7), which the psr7 template needs without Composer")
			}
			dir := filepath.Join(t.TempDir(), "app")
			out, err := exec.Command(bin, "init", dir, "--template", tmpl).CombinedOutput()
			if err != nil {
				t.Fatalf("phprun init: %v\n%s", err, out)
			}
			if want := "Next: cd " + dir + " && phprun dev\n"; !strings.HasSuffix(string(out), want) {
				t.Errorf("phprun init printed:\n%s\nwant it to end with %q", out, want)
			}
			// Every key of the template is one phprun knows: no warnings.
			cfg := exec.Command(bin, "config")
			cfg.Dir = dir
			if out, err := cfg.CombinedOutput(); err != nil || strings.Contains(string(out), "warning") {
				t.Errorf("phprun config in the new project: %v\n%s", err, out)
			}
			initE2EServe(t, bin, dir)
		})
	}

	// Without --template, as a user would type it in a Composer project: the
	// CLI must leave the choice to detection.
	t.Run("detect", func(t *testing.T) {
		dir := t.TempDir()
		data, err := os.ReadFile(filepath.Join("internal", "scaffold", "testdata", "init", "composer-psr7", "composer.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "composer.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "init", dir).CombinedOutput()
		if err != nil {
			t.Fatalf("phprun init: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), `template "psr7" (composer.json requires nyholm/psr7)`) {
			t.Errorf("phprun init in a project requiring nyholm/psr7 printed:\n%s\nwant the psr7 template, chosen by detection", out)
		}
	})
}

// initBuildPhprun compiles this package into a temporary binary.
func initBuildPhprun(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "phprun")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func initNyholmAvailable() bool {
	_, err := os.Stat("/usr/share/php/Nyholm/Psr7/autoload.php")
	return err == nil
}

// initE2EServe runs `phprun serve --headless` in dir and checks what the
// templates promise.
func initE2EServe(t *testing.T, bin, dir string) {
	httpAddr, statusAddr, rpcAddr := initFreeAddr(t), initFreeAddr(t), initFreeAddr(t)
	var stderr initLockedBuffer
	cmd := exec.Command(bin, "serve", "--headless")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		// The template's phprun.yaml reads these through ${VAR:-default}.
		"APP_HTTP_ADDR="+httpAddr,
		"APP_STATUS_ADDR="+statusAddr,
		"APP_RPC_LISTEN=tcp://"+rpcAddr,
	)
	cmd.Stdout = &stderr
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	defer func() {
		if !stopped {
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("phprun output:\n%s", stderr.String())
		}
	}()

	client := &http.Client{Timeout: 10 * time.Second}
	base := "http://" + httpAddr

	// Wait for the first answer: phprun listens, then workers boot.
	var home *http.Response
	for i := 0; i < 300; i++ {
		select {
		case err := <-exited:
			stopped = true
			t.Fatalf("phprun exited before serving: %v", err)
		default:
		}
		resp, err := client.Get(base + "/")
		if err == nil && resp.StatusCode == http.StatusOK {
			home = resp
			break
		}
		if err == nil {
			resp.Body.Close()
		}
		time.Sleep(100 * time.Millisecond)
	}
	if home == nil {
		t.Fatalf("GET / did not answer 200 within 30s")
	}
	body := initReadBody(t, home)
	if !strings.Contains(body, "<h1>Hello from phprun</h1>") || !strings.HasPrefix(home.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET / = %q (%s), want the template's page", body, home.Header.Get("Content-Type"))
	}

	// The JSON route, twice: the same long-lived app object counts requests.
	var pids []int
	for i := 0; i < 2; i++ {
		resp, err := client.Get(base + "/api/hello?name=e2e")
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Hello    string `json:"hello"`
			Worker   int    `json:"worker"`
			Requests int    `json:"requests"`
		}
		if err := json.Unmarshal([]byte(initReadBody(t, resp)), &got); err != nil || resp.StatusCode != 200 || got.Hello != "e2e" || got.Worker <= 0 || got.Requests < 1 {
			t.Fatalf("GET /api/hello: status %d, %+v, %v", resp.StatusCode, got, err)
		}
		pids = append(pids, got.Worker)
	}

	resp, err := client.Get(base + "/missing")
	if err != nil {
		t.Fatal(err)
	}
	if initReadBody(t, resp); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /missing = %d, want 404 from the app", resp.StatusCode)
	}

	// The static file, with an ETag that a conditional request honours.
	css, err := os.ReadFile(filepath.Join(dir, "public", "style.css"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err = client.Get(base + "/style.css")
	if err != nil {
		t.Fatal(err)
	}
	if got := initReadBody(t, resp); resp.StatusCode != 200 || got != string(css) {
		t.Errorf("GET /style.css = %d %q, want the file", resp.StatusCode, got)
	}
	// The template's middleware order puts headers and gzip around static,
	// as its comment says: static files get both.
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("GET /style.css: X-Content-Type-Options = %q, want the template's nosniff", got)
	}
	big := strings.Repeat("body { margin: 0 auto; }\n", 300)
	if err := os.WriteFile(filepath.Join(dir, "public", "big.css"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	gzReq, _ := http.NewRequest(http.MethodGet, base+"/big.css", nil)
	gzReq.Header.Set("Accept-Encoding", "gzip")
	if gzResp, err := client.Do(gzReq); err != nil {
		t.Error(err)
	} else if initReadBody(t, gzResp); gzResp.StatusCode != 200 || gzResp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("GET /big.css with Accept-Encoding: gzip = %d, headers %v; want a gzipped static file", gzResp.StatusCode, gzResp.Header)
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Errorf("GET /style.css has no ETag (static.calculate_etag: true); headers %v", resp.Header)
	} else {
		req, _ := http.NewRequest(http.MethodGet, base+"/style.css", nil)
		req.Header.Set("If-None-Match", etag)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if initReadBody(t, resp); resp.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match %s: status %d, want 304", etag, resp.StatusCode)
		}
	}

	// The health check the Dockerfile's HEALTHCHECK uses.
	resp, err = client.Get("http://" + statusAddr + "/health")
	if err != nil {
		t.Errorf("GET /health: %v", err)
	} else if initReadBody(t, resp); resp.StatusCode != 200 {
		t.Errorf("GET /health = %d, want 200", resp.StatusCode)
	}

	// SIGTERM drains and exits 0, and takes the workers with it.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		stopped = true
		if err != nil {
			t.Errorf("phprun after SIGTERM: %v, want exit status 0", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("phprun did not exit within 30s of SIGTERM")
	}
	for _, pid := range pids {
		if err := initWaitGone(pid, 5*time.Second); err != nil {
			t.Error(err)
		}
	}
}

// initFreeAddr returns a loopback address with a port free at the time of the call.
func initFreeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func initReadBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// initWaitGone waits until no process has the given PID.
func initWaitGone(pid int, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return nil
		}
		// A zombie has exited; only its parent (init, or a container's PID 1) has yet to reap it.
		if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
			if _, after, ok := bytes.Cut(stat, []byte(") ")); ok && len(after) > 0 && after[0] == 'Z' {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("worker %d still running after phprun exited", pid)
}

// initLockedBuffer collects a child's output while the test may read it.
type initLockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer // guarded by mu
}

func (b *initLockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *initLockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
