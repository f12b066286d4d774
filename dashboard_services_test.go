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

// TestDashboardServicesInTmux is the sidecar promise end to end on a real
// 80×24 terminal: `phprun dev` with a Vite-like sidecar (a shell script
// with a child) and a queue consumer shows both in the Services pane next
// to the workers, r restarts the selected one (new PID, old process group
// gone), l shows its output, and q stops everything with no process left.
func TestDashboardServicesInTmux(t *testing.T) {
	bin, skeleton, addr := tmuxPrereqs(t, "tmux", "php", "sh")
	dir := project(t, map[string]string{
		"phprun.yaml": "version: \"3\"\nserver:\n  command: php worker.php\nhttp:\n  address: " + addr +
			"\ndev:\n  workers: 1\n  watch: false\n  services:\n    vite:\n      command: sh vite.sh\n      timeout_stop_sec: 2\n" +
			"service:\n  queue:\n    command: php queue.php\n",
		"vite.sh":   "echo \"VITE v5.2.0  ready in 312 ms\"\nsleep 300 &\nwait\n",
		"queue.php": "<?php\necho \"consumer waiting for jobs\\n\";\nsleep(300);\n",
		"worker.php": `<?php
require getenv('SKELETON') . '/autoload.php';
$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) {
    $worker->respond(200, "ok\n", ['Content-Type' => ['text/plain']]);
}
`,
	})
	dir, err := filepath.EvalSymlinks(dir) // as /proc/PID/cwd shows it
	if err != nil {
		t.Fatal(err)
	}
	tm := startTmux(t, dir, bin, skeleton)
	screen, waitFor := tm.screen, tm.waitFor
	tmux := tm.tmux
	exitFile := tm.exitFile
	// rowPID is the PID column of a service's row, 0 while it has none.
	rowPID := func(name string) int {
		for _, l := range strings.Split(screen(), "\n") {
			f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), "›"))
			if len(f) > 3 && f[0] == name && f[2] == "running" {
				return parsePID(f[3])
			}
		}
		return 0
	}
	left := func() []int {
		return findProcs(func(pid int, comm string, _ int) bool {
			cwd, _ := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
			cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			return cwd == dir && (comm == "php" || comm == "sleep" && !strings.Contains(string(cmdline), "60") ||
				strings.Contains(string(cmdline), "vite.sh"))
		})
	}

	waitFor("the services tab", func() bool { return strings.Contains(screen(), "4 Services") })
	tmux("send-keys", "-t", "dash", "4")
	waitFor("both services running", func() bool { return rowPID("queue") > 0 && rowPID("vite") > 0 })
	// A service is running before its first line is out (PHP takes tens
	// of milliseconds to start): wait for both last-output lines.
	waitFor("both services' last output lines", func() bool {
		s := screen()
		return strings.Contains(s, "consumer waiting") && strings.Contains(s, "VITE v5.2.0")
	})
	oldVite := rowPID("vite")

	tmux("send-keys", "-t", "dash", "j") // queue, vite: select vite
	tmux("send-keys", "-t", "dash", "r")
	waitFor("the restart", func() bool { p := rowPID("vite"); return p > 0 && p != oldVite })
	waitFor("the restart toast", func() bool { return strings.Contains(screen(), "restart vite: done") })
	if groupAliveMain(oldVite) {
		t.Errorf("the old vite process group %d survived the restart", oldVite)
	}

	tmux("send-keys", "-t", "dash", "l")
	waitFor("vite's lines in the logs pane", func() bool {
		s := screen()
		return strings.Contains(s, "[3 Logs]") && strings.Contains(s, "VITE v5.2.0") && !strings.Contains(s, "consumer waiting")
	})

	tmux("send-keys", "-t", "dash", "q")
	waitFor("phprun to exit", func() bool { _, err := os.Stat(exitFile); return err == nil })
	if code := strings.TrimSpace(string(mustRead(t, exitFile))); code != "0" {
		t.Errorf("phprun dev exited with %s after q, want 0; screen:\n%s", code, screen())
	}
	var rest []int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if rest = left(); len(rest) == 0 {
			break
		}
	}
	if len(rest) > 0 {
		t.Errorf("processes left in %s after q: %v", dir, rest)
	}
}

// groupAliveMain reports whether a live process of group pgid remains.
func groupAliveMain(pgid int) bool {
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if len(findProcs(func(pid int, _ string, _ int) bool { return pgidOf(pid) == pgid })) == 0 {
			return false
		}
	}
	return true
}

func pgidOf(pid int) int {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(stat)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 3 {
		return 0
	}
	return parsePID(f[2])
}

// tmuxRun is `phprun dev` in DIR on a private 80×24 tmux server.
type tmuxRun struct {
	tmux     func(args ...string) string
	screen   func() string
	waitFor  func(what string, ok func() bool)
	exitFile string // holds phprun's exit code once it ended
}

func startTmux(t *testing.T, dir, bin, skeleton string, args ...string) tmuxRun {
	t.Helper()
	exitFile := filepath.Join(dir, "exit-code")
	socket := filepath.Join(t.TempDir(), "tmux")
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-S", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	script := fmt.Sprintf(`cd %q && SKELETON=%q %q dev %s; echo $? > %q; sleep 60`, dir, skeleton, bin, strings.Join(args, " "), exitFile)
	tmux("new-session", "-d", "-s", "dash", "-x", "80", "-y", "24", script)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", socket, "kill-server").Run() })
	screen := func() string { return tmux("capture-pane", "-p", "-t", "dash") }
	return tmuxRun{tmux: tmux, screen: screen, exitFile: exitFile, waitFor: func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if ok() {
				return
			}
		}
		t.Fatalf("timed out waiting for %s; screen:\n%s", what, screen())
	}}
}

// TestDashboardLeakHintInTmux: with a real PHP worker that keeps 1 MiB
// alive per request on one route, the workers pane flags that route.
func TestDashboardLeakHintInTmux(t *testing.T) {
	bin, skeleton, addr := tmuxPrereqs(t, "tmux", "php")
	dir := project(t, map[string]string{
		"phprun.yaml": "version: \"3\"\nserver:\n  command: php " + filepath.Join(skeleton, "examples/leak.php") +
			"\nhttp:\n  address: " + addr + "\ndev:\n  workers: 1\n  watch: false\n",
	})
	tm := startTmux(t, dir, bin, skeleton)
	tm.waitFor("the dashboard", func() bool { return strings.Contains(tm.screen(), "phprun dev") })
	tm.tmux("send-keys", "-t", "dash", "1")
	hint := func() bool { return strings.Contains(tm.screen(), "leak? GET /grow +1.0M/req") }
	// one request per engine sample (1 s); a loaded machine may put two in
	// one period, which the tracker skips, so send until it has enough
	for i := 0; i < 30 && !hint(); i++ {
		resp, err := http.Get("http://" + addr + "/grow?mb=1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		time.Sleep(1100 * time.Millisecond)
	}
	tm.waitFor("the leak hint", hint)
	tm.tmux("send-keys", "-t", "dash", "q")
	tm.waitFor("phprun to exit", func() bool { _, err := os.Stat(tm.exitFile); return err == nil })
}

// project writes files into a fresh directory and returns it.
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

// tmuxPrereqs skips the test without the tools, and returns phprun's path
// (installed on $PATH by TestMain), php-skeleton's and a free address.
func tmuxPrereqs(t *testing.T, tools ...string) (bin, skeleton, addr string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	bin, err := exec.LookPath("phprun")
	if err != nil {
		t.Fatal(err)
	}
	skeleton, _ = filepath.Abs("php-skeleton")
	if addr, err = newLoopbackPorts().addr(); err != nil {
		t.Fatal(err)
	}
	return bin, skeleton, addr
}
