//go:build unix

package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDocCommands runs every shell block of README.md and docs/*.md that is
// marked <!-- test --> (docs_blocks_test.go), as a reader would type it,
// with the phprun of this package on $PATH and real PHP workers. Addresses
// the docs use (127.0.0.1:8080, :2114, :6001, 0.0.0.0:9000) are replaced by
// free loopback ones, in the commands and in the template's variables.
func TestDocCommands(t *testing.T) {
	if _, err := exec.LookPath("php"); err != nil {
		t.Skip("php is not installed")
	}
	blocks, _ := docShellBlocks() // TestDocsShellBlocksMarked reports marker errors
	ports := newLoopbackPorts()
	for _, b := range blocks {
		if !b.tested {
			continue
		}
		t.Run(strings.ReplaceAll(b.String(), "/", "_"), func(t *testing.T) {
			t.Parallel()
			r := newDocRun(t, ports, b)
			r.run()
		})
	}
}

// docRun runs one block. Each command line runs in `sh -c` in the current
// directory, split on " && " so that `cd DIR` steps move the run itself.
// A step that starts a server (phprun serve, phprun dev, phprun alone)
// runs in the background: the run waits for the status port's /ready and
// a GET of the app, stops the previous server first, and stops the last
// one at the end with SIGINT (Ctrl-C), which must end it with status 0.
// `phprun workers -i` runs until it has drawn its table twice, then gets
// Ctrl-C too. Every
// other step must end within a minute with status 0 (the block's last one:
// exit=N).
type docRun struct {
	t      *testing.T
	b      docBlock
	dir    string
	env    []string
	subst  *strings.Replacer
	status string // status address the template reads from APP_STATUS_ADDR
	http   string // http address likewise
	http2  string // stands for 0.0.0.0:9000 / 127.0.0.1:9000
	out    initLockedBuffer
	server *docProc
}

// docProc is a background process and its exit.
type docProc struct {
	step string
	cmd  *exec.Cmd
	done chan struct{} // closed once cmd.Wait returned
	err  error         // cmd.Wait's result; read after done
}

func newDocRun(t *testing.T, ports *loopbackPorts, b docBlock) *docRun {
	r := &docRun{t: t, b: b, dir: t.TempDir()}
	addrs := make([]string, 4)
	for i := range addrs {
		a, err := ports.addr()
		if err != nil {
			t.Fatal(err)
		}
		addrs[i] = a
	}
	r.http, r.status, r.http2 = addrs[0], addrs[1], addrs[2]
	rpcAddr := addrs[3]
	r.subst = strings.NewReplacer(
		"127.0.0.1:8080", r.http, "127.0.0.1:2114", r.status, "127.0.0.1:6001", rpcAddr,
		"0.0.0.0:9000", r.http2, "127.0.0.1:9000", r.http2)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PHPRUN_") && !strings.HasPrefix(kv, "APP_") && !strings.HasPrefix(kv, "DOTENV_PATH=") {
			r.env = append(r.env, kv)
		}
	}
	r.env = append(r.env, "APP_HTTP_ADDR="+r.http, "APP_STATUS_ADDR="+r.status,
		"APP_RPC_LISTEN=tcp://"+rpcAddr, "NO_COLOR=1", "HOME="+r.dir)
	t.Cleanup(func() {
		if r.server != nil {
			r.server.kill()
		}
	})
	return r
}

func (r *docRun) run() {
	switch r.b.init {
	case "none":
	case ".":
		r.foreground("phprun init .", 0)
	default:
		r.foreground("phprun init "+r.b.init, 0)
	}
	if r.b.server {
		r.startServer("phprun serve --headless", 0)
	}
	for i, line := range r.b.cmds {
		steps := strings.Split(r.subst.Replace(line), " && ")
		for j, step := range steps {
			want := 0
			if i == len(r.b.cmds)-1 && j == len(steps)-1 {
				want = r.b.exit
			}
			r.step(strings.TrimSpace(step), want)
		}
	}
	r.stopServer()
	out := r.out.String()
	r.t.Logf("%s", out)
	for _, w := range r.b.want {
		if w = r.subst.Replace(w); !strings.Contains(out, w) {
			r.t.Errorf("%s: the output lacks %q:\n%s", r.b, w, out)
		}
	}
}

func (r *docRun) step(step string, want int) {
	if dir, ok := strings.CutPrefix(step, "cd "); ok {
		r.dir = filepath.Join(r.dir, strings.TrimSpace(dir))
		if _, err := os.Stat(r.dir); err != nil {
			r.t.Fatalf("%s: %s: %v", r.b, step, err)
		}
		return
	}
	switch docKind(step) {
	case "server":
		r.startServer(step, want)
		if r.server == nil { // it ended at once: a plain command after all
			return
		}
		if want != 0 {
			r.t.Fatalf("%s: %s is still running, want exit %d:\n%s", r.b, step, want, r.out.String())
		}
	case "watch":
		before := len(r.out.String())
		p := r.start(step)
		// two tables at least (it redraws every second), then Ctrl-C
		deadline := time.Now().Add(30 * time.Second)
		for strings.Count(r.out.String()[before:], "PID") < 2 {
			select {
			case <-p.done:
				r.t.Fatalf("%s: %s ended on its own (%v):\n%s", r.b, step, p.err, r.out.String())
			case <-time.After(100 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				p.kill()
				r.t.Fatalf("%s: %s showed no two tables within 30s:\n%s", r.b, step, r.out.String())
			}
		}
		r.interrupt(step, p)
	default:
		r.foreground(step, want)
	}
}

// docKind classifies a step: "server" (phprun serve, phprun dev, phprun
// without a command), "watch" (phprun workers -i) or "" (ends by itself).
func docKind(step string) string {
	f := strings.Fields(step)
	for len(f) > 0 && strings.Contains(f[0], "=") { // VAR=value prefixes
		f = f[1:]
	}
	if len(f) == 0 || f[0] != "phprun" || strings.ContainsAny(step, "|;<>") {
		return ""
	}
	valued := map[string]bool{"-c": true, "--config": true, "-w": true, "--workdir": true, "-o": true,
		"--override": true, "--dotenv": true, "--log-level": true, "--log-format": true}
	cmd := ""
	for i := 1; i < len(f); i++ {
		switch {
		case valued[f[i]]:
			i++
		case !strings.HasPrefix(f[i], "-") && cmd == "":
			cmd = f[i]
		}
	}
	switch {
	case cmd == "" || cmd == "serve" || cmd == "dev":
		return "server"
	case cmd == "workers" && (strings.Contains(step, " -i") || strings.Contains(step, "--interactive")):
		return "watch"
	}
	return ""
}

// start runs step in the background, in its own process group, through
// `exec` so that signals reach phprun itself.
func (r *docRun) start(step string) *docProc {
	f := strings.Fields(step)
	n := 0
	for n < len(f) && strings.Contains(f[n], "=") && !strings.HasPrefix(f[n], "-") {
		n++
	}
	script := strings.Join(f[:n], " ") + " exec " + strings.Join(f[n:], " ")
	fmt.Fprintf(&r.out, "$ %s &\n", step)
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = r.dir, r.env, &r.out, &r.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		r.t.Fatalf("%s: %s: %v", r.b, step, err)
	}
	p := &docProc{step: step, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p
}

// startServer stops the running server, starts step and waits until it
// serves: /ready on the status port and a 200 from the app. A server that
// exits instead is left to the caller's exit check, like a plain command.
func (r *docRun) startServer(step string, want int) {
	r.stopServer()
	p := r.start(step)
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.done:
			r.checkExit(step, p.err, want)
			return
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.kill()
			r.t.Fatalf("%s: %s did not become ready within 60s:\n%s", r.b, step, r.out.String())
		}
		if resp, err := client.Get("http://" + r.status + "/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
	}
	r.server = p
	addr := r.http
	if strings.Contains(step, r.http2) {
		addr = r.http2
	}
	resp, err := client.Get("http://" + addr + "/")
	if err != nil {
		r.t.Fatalf("%s: %s: the app does not answer on %s: %v\n%s", r.b, step, addr, err, r.out.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		r.t.Fatalf("%s: %s: GET / on %s = %d, want 200", r.b, step, addr, resp.StatusCode)
	}
}

// stopServer ends the running server with Ctrl-C: it must drain and exit 0.
func (r *docRun) stopServer() {
	if p := r.server; p != nil {
		r.server = nil
		r.interrupt(p.step, p)
	}
}

// interrupt sends SIGINT to p's process group and wants exit status 0.
func (r *docRun) interrupt(step string, p *docProc) {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGINT)
	select {
	case <-p.done:
		fmt.Fprintf(&r.out, "^C (%s)\n", step)
		r.checkExit(step+" (after Ctrl-C)", p.err, 0)
	case <-time.After(40 * time.Second):
		p.kill()
		r.t.Fatalf("%s: %s did not stop within 40s of Ctrl-C:\n%s", r.b, step, r.out.String())
	}
}

// foreground runs step to its end (at most a minute) and checks its status.
func (r *docRun) foreground(step string, want int) {
	fmt.Fprintf(&r.out, "$ %s\n", step)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", step)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = r.dir, r.env, &r.out, &r.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	r.checkExit(step, cmd.Run(), want)
}

func (r *docRun) checkExit(step string, err error, want int) {
	got, err := exitStatus(err)
	if err != nil {
		r.t.Fatalf("%s: %s: %v", r.b, step, err)
	}
	if got != want {
		r.t.Fatalf("%s: %s exited with %d, want %d:\n%s", r.b, step, got, want, r.out.String())
	}
}

// kill ends p's process group at once (cleanup after a failure).
func (p *docProc) kill() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
}

// exitStatus is the exit status of a command that ran (0 for a nil err),
// or the error that kept it from running.
func exitStatus(err error) (int, error) {
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), nil
	case err != nil:
		return 0, err
	}
	return 0, nil
}
