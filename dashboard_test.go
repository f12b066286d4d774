//go:build unix

package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDashboardInTmux runs `phprun dev` on a real terminal (a private tmux
// server) and checks the wiring behind the dashboard against the real
// processes: the worker table lists the live PHP children of phprun,
// requests show up, R then y replaces every worker, a changed file reloads
// them ("1 file changed: worker.php → 2 workers reloaded") and the new code answers,
// and q drains and exits 0 with no PHP process left.
func TestDashboardInTmux(t *testing.T) {
	for _, tool := range []string{"tmux", "php"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc: cannot see the worker processes")
	}
	bin, err := exec.LookPath("phprun") // installed on $PATH by TestMain
	if err != nil {
		t.Fatal(err)
	}
	skeleton, _ := filepath.Abs("php-skeleton")
	addr, err := newLoopbackPorts().addr()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, body := range map[string]string{
		"phprun.yaml": "version: \"3\"\nserver:\n  command: php worker.php\nhttp:\n  address: " + addr +
			"\ndev:\n  workers: 2\nwatch:\n  debounce: 50ms\n",
		"worker.php": `<?php
require getenv('SKELETON') . '/autoload.php';
$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) {
    $worker->respond(200, "ok\n", ['Content-Type' => ['text/plain']]);
}
`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if dir, err = filepath.EvalSymlinks(dir); err != nil { // as /proc/PID/cwd shows it
		t.Fatal(err)
	}
	exitFile := filepath.Join(dir, "exit-code")
	pidFile := filepath.Join(dir, "phprun-pid")
	// a private server with a socket of its own per run (with -count a
	// server being killed must not meet the next run's new-session), in a
	// temp dir so that no socket file is left behind
	socket := filepath.Join(t.TempDir(), "tmux")
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-S", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	// sh -c 'echo $$; exec phprun': the PID file holds phprun's own PID.
	script := fmt.Sprintf(`cd %q && SKELETON=%q sh -c 'echo $$ > %q; exec "$0" dev' %q; echo $? > %q; sleep 60`,
		dir, skeleton, pidFile, bin, exitFile)
	tmux("new-session", "-d", "-s", "dash", "-x", "160", "-y", "45", script)
	defer exec.Command("tmux", "-S", socket, "kill-server").Run()

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
	contains := func(s string) func() bool {
		return func() bool { return strings.Contains(screen(), s) }
	}
	// the header's reload line, not the logs pane (which says it too)
	reloadLine := func(s string) func() bool {
		return func() bool {
			for _, l := range strings.Split(screen(), "\n") {
				if strings.HasPrefix(l, "reload ✓ ") {
					return strings.Contains(l, s)
				}
			}
			return false
		}
	}
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}

	waitFor("the dashboard header", contains("phprun dev"))
	waitFor("phprun's PID", func() bool { _, err := os.Stat(pidFile); return err == nil })
	phprunPID, err := strconv.Atoi(strings.TrimSpace(string(mustRead(t, pidFile))))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(screen(), "watch fsnotify · ") {
		t.Errorf("header does not say how files are watched (want \"watch fsnotify · N files\"):\n%s", screen())
	}

	// The worker table shows exactly the live PHP children of phprun, and a
	// different set than before once a reload replaced them.
	var table, procs []int
	workersLive := func(what string, old []int) []int {
		t.Helper()
		waitFor(what, func() bool {
			table, procs = screenPIDs(screen()), phpChildren(phprunPID)
			if len(procs) != 2 || !slices.Equal(table, procs) {
				return false
			}
			for _, pid := range procs {
				if slices.Contains(old, pid) {
					return false
				}
			}
			return true
		})
		return procs
	}
	first := workersLive("the worker table to show phprun's 2 PHP children", nil)

	waitFor("the server", func() bool { code, _ := get("/from-the-test"); return code == 200 })
	waitFor("the request row", func() bool {
		for _, l := range strings.Split(screen(), "\n") {
			if f := strings.Fields(l); strings.Contains(l, "/from-the-test") && len(f) > 0 &&
				slices.Contains(f, "200") && slices.Contains(first, parsePID(f[len(f)-1])) {
				return true
			}
		}
		return false
	})
	waitFor("the watcher line", contains("with fsnotify"))

	tmux("send-keys", "-t", "dash", "R")
	waitFor("the reset prompt", contains("Reset all workers"))
	tmux("send-keys", "-t", "dash", "y")
	second := workersLive("new workers after R y", first)
	waitFor("the header's reset line", reloadLine("  key R → 2 workers reloaded in "))

	if err := os.WriteFile(filepath.Join(dir, "worker.php"), []byte(strings.Replace(
		string(mustRead(t, filepath.Join(dir, "worker.php"))), "ok", "ok2", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor("the header's reload line", reloadLine("  1 file changed: worker.php → 2 workers reloaded in "))
	waitFor("the new response", func() bool { code, body := get("/"); return code == 200 && body == "ok2\n" })
	third := workersLive("new workers after the change", second)

	tmux("send-keys", "-t", "dash", "q")
	waitFor("phprun to exit", func() bool { _, err := os.Stat(exitFile); return err == nil })
	if code := strings.TrimSpace(string(mustRead(t, exitFile))); code != "0" {
		t.Errorf("phprun dev exited with %s after q, want 0; screen:\n%s", code, screen())
	}
	var left []int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if left = phpIn(dir); len(left) == 0 {
			break
		}
	}
	if len(left) > 0 {
		t.Errorf("PHP processes left in %s after phprun exited: %v (workers were %v, %v, %v)", dir, left, first, second, third)
	}
}

// screenPIDs reads the PID column of the dashboard's workers pane, sorted.
func screenPIDs(screen string) []int {
	var pids []int
	in := false
	for _, l := range strings.Split(screen, "\n") {
		switch {
		case strings.HasPrefix(l, "─ 1 Workers"):
			in = true
			continue
		case strings.HasPrefix(l, "─ 2 "):
			in = false
		}
		if f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), "›")); in && len(f) > 1 {
			if pid := parsePID(f[0]); pid > 0 {
				pids = append(pids, pid)
			}
		}
	}
	slices.Sort(pids)
	return pids
}

// phpChildren lists the PIDs of the php processes whose parent is ppid,
// sorted, as /proc shows them.
func phpChildren(ppid int) []int {
	return findProcs(func(pid int, comm string, parent int) bool { return comm == "php" && parent == ppid })
}

// phpIn lists the php processes running in dir.
func phpIn(dir string) []int {
	return findProcs(func(pid int, comm string, _ int) bool {
		cwd, _ := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
		return comm == "php" && cwd == dir
	})
}

// findProcs lists the live (not zombie) processes for which keep is true.
func findProcs(keep func(pid int, comm string, ppid int) bool) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid := parsePID(e.Name())
		if pid <= 0 {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses
		s := string(stat)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open {
			continue
		}
		rest := strings.Fields(s[end+1:])
		if len(rest) < 2 || rest[0] == "Z" {
			continue
		}
		if keep(pid, s[open+1:end], parsePID(rest[1])) {
			out = append(out, pid)
		}
	}
	slices.Sort(out)
	return out
}

// parsePID is s as a number, 0 if it is none.
func parsePID(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
