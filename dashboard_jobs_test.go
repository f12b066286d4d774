//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDashboardJobsInTmux runs `phprun dev` with a jobs section on a real
// terminal: the Jobs pane lists the pipeline, a job pushed by PHP shows up
// as acked with the PID of a jobs worker, the workers pane lists the jobs
// pool beside the http pool, and p pauses the pipeline for real (the RPC
// Stat says so).
func TestDashboardJobsInTmux(t *testing.T) {
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
	ports := newLoopbackPorts()
	addr, err := ports.addr()
	if err != nil {
		t.Fatal(err)
	}
	rpcAddr, err := ports.addr()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, body := range map[string]string{
		"phprun.yaml": "version: \"3\"\nserver:\n  command: php worker.php\nrpc:\n  listen: tcp://" + rpcAddr +
			"\nhttp:\n  address: " + addr + "\ndev:\n  workers: 1\n  watch: false\njobs:\n  pool:\n    num_workers: 1\n" +
			"  consume: [mail]\n  pipelines:\n    mail:\n      driver: memory\n",
		"worker.php": `<?php
require getenv('SKELETON') . '/autoload.php';
if (getenv('RR_MODE') === 'jobs') {
    $c = \Phprun\Jobs\Consumer::create();
    while ($t = $c->waitTask()) { $t->ack(); }
    return;
}
$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) { $worker->respond(200, "ok\n"); }
`,
		"push.php": `<?php
require getenv('SKELETON') . '/autoload.php';
\Phprun\Jobs\Jobs::create('tcp://` + rpcAddr + `')->push('mail', 'WelcomeMail', '{}');
`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	exitFile := filepath.Join(dir, "exit-code")
	socket := filepath.Join(t.TempDir(), "tmux")
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-S", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	tmux("new-session", "-d", "-s", "jobs", "-x", "160", "-y", "45",
		fmt.Sprintf(`cd %q && SKELETON=%q %q dev; echo $? > %q; sleep 60`, dir, skeleton, bin, exitFile))
	defer exec.Command("tmux", "-S", socket, "kill-server").Run()
	screen := func() string { return tmux("capture-pane", "-p", "-t", "jobs") }
	waitFor := func(what string, ok func(string) bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if ok(screen()) {
				return
			}
		}
		t.Fatalf("timed out waiting for %s; screen:\n%s", what, screen())
	}
	line := func(prefix, word string) func(string) bool {
		return func(s string) bool {
			for _, l := range strings.Split(s, "\n") {
				if strings.HasPrefix(strings.TrimLeft(l, " ›"), prefix) && strings.Contains(l, word) {
					return true
				}
			}
			return false
		}
	}

	waitFor("the Jobs pane", line("mail ", "consuming"))
	waitFor("the jobs pool in the workers pane", line("jobs ", "ready"))
	push := exec.Command("php", "push.php")
	push.Dir, push.Env = dir, append(os.Environ(), "SKELETON="+skeleton)
	if out, err := push.CombinedOutput(); err != nil {
		t.Fatalf("push: %v\n%s", err, out)
	}
	waitFor("the finished job", func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if f := strings.Fields(l); len(f) > 3 && f[1] == "ack" && f[2] == "mail" && f[3] == "WelcomeMail" {
				return true
			}
		}
		return false
	})

	tmux("send-keys", "-t", "jobs", "4")
	tmux("send-keys", "-t", "jobs", "p")
	waitFor("the paused pipeline", line("mail ", "paused"))
	out, err := exec.Command(bin, "jobs", "list", "--json", "-o", "rpc.listen=tcp://"+rpcAddr).CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"state": "paused"`) {
		t.Fatalf("phprun jobs after p: %v\n%s", err, out)
	}

	tmux("send-keys", "-t", "jobs", "q")
	waitFor("phprun to exit", func(string) bool { _, err := os.Stat(exitFile); return err == nil })
	if code := strings.TrimSpace(string(mustRead(t, exitFile))); code != "0" {
		t.Errorf("phprun dev exited with %s after q, want 0; screen:\n%s", code, screen())
	}
}

// project writes files into a fresh directory and returns it (the config
// tests' helper moved to internal/config with them).
func project(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
