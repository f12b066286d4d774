//go:build unix

package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDashboardInTmux runs `phprun dev` on a real terminal (a private tmux
// server) and checks the wiring behind the dashboard: requests show up in
// it, a changed file reloads the workers, and q drains and exits 0.
func TestDashboardInTmux(t *testing.T) {
	for _, tool := range []string{"tmux", "php"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	bin, err := exec.LookPath("phprun") // installed on $PATH by TestMain
	if err != nil {
		t.Fatal(err)
	}
	skeleton, _ := filepath.Abs("php-skeleton")
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	dir := project(t, map[string]string{
		"phprun.yaml": "version: \"3\"\nserver:\n  command: php worker.php\nhttp:\n  address: " + addr +
			"\ndev:\n  workers: 2\nwatch:\n  debounce: 50ms\n",
		"worker.php": `<?php
require getenv('SKELETON') . '/autoload.php';
$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) {
    $worker->respond(200, "ok\n", ['Content-Type' => ['text/plain']]);
}
`,
	})
	exitFile := filepath.Join(dir, "exit-code")
	socket := fmt.Sprintf("phprun-test-%d", os.Getpid())
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-L", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	script := fmt.Sprintf("cd %q && SKELETON=%q %q dev; echo $? > %q; sleep 60", dir, skeleton, bin, exitFile)
	tmux("new-session", "-d", "-s", "dash", "-x", "160", "-y", "45", script)
	defer exec.Command("tmux", "-L", socket, "kill-server").Run()

	screen := func() string { return tmux("capture-pane", "-p", "-t", "dash") }
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if ok() {
				return
			}
		}
		t.Fatalf("timed out waiting for %s; screen:\n%s", what, screen())
	}
	contains := func(s string) func() bool { return func() bool { return strings.Contains(screen(), s) } }

	waitFor("the dashboard header", contains("phprun dev"))
	waitFor("the server", func() bool {
		resp, err := http.Get("http://" + addr + "/from-the-test")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	waitFor("the request row", contains("/from-the-test"))
	waitFor("the watcher line", contains("with fsnotify"))

	if err := os.WriteFile(filepath.Join(dir, "worker.php"), []byte(strings.Replace(
		string(mustRead(t, filepath.Join(dir, "worker.php"))), "ok", "ok2", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor("the reload report", contains("1 file changed → 2 workers reloaded"))

	tmux("send-keys", "-t", "dash", "q")
	waitFor("phprun to exit", func() bool { _, err := os.Stat(exitFile); return err == nil })
	if code := strings.TrimSpace(string(mustRead(t, exitFile))); code != "0" {
		t.Errorf("phprun dev exited with %s after q, want 0; screen:\n%s", code, screen())
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
