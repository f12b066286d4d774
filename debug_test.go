//go:build unix

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dbgpConn is the IDE's side of one Xdebug session (the DBGp protocol):
// Xdebug sends "LENGTH\0XML\0" packets, the IDE sends "command -i N args\0".
type dbgpConn struct {
	t   *testing.T
	c   net.Conn
	r   *bufio.Reader
	seq int
}

func (d *dbgpConn) read() string {
	d.t.Helper()
	_ = d.c.SetReadDeadline(time.Now().Add(20 * time.Second))
	n, err := d.r.ReadString(0)
	if err != nil {
		d.t.Fatalf("dbgp: read length: %v", err)
	}
	size, err := strconv.Atoi(strings.TrimSuffix(n, "\x00"))
	if err != nil {
		d.t.Fatalf("dbgp: length %q", n)
	}
	buf := make([]byte, size+1)
	if _, err := io.ReadFull(d.r, buf); err != nil {
		d.t.Fatalf("dbgp: read packet: %v", err)
	}
	return string(buf[:size])
}

func (d *dbgpConn) cmd(c string) string {
	d.t.Helper()
	d.seq++
	if _, err := io.WriteString(d.c, withID(c, d.seq)+"\x00"); err != nil {
		d.t.Fatal(err)
	}
	return d.read()
}

// withID puts "-i N" right after the command name, where DBGp wants it.
func withID(c string, id int) string {
	name, args, _ := strings.Cut(c, " ")
	return strings.TrimSpace(fmt.Sprintf("%s -i %d %s", name, id, args))
}

// TestDebugModeStopsAtABreakpoint is the promise of `phprun dev --debug`
// with a real Xdebug: the worker of a request connects to the IDE (a DBGp
// listener in this test), stops at a breakpoint in the request handler and
// stays paused longer than exec_ttl without being killed; after `run` the
// request is answered. Each request gets a fresh worker, and var_dump
// output is logged with that worker's PID (which the request row shows).
func TestDebugModeStopsAtABreakpoint(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php is not installed")
	}
	if err := exec.Command(php, "-d", "zend_extension=xdebug.so", "-r", "exit(extension_loaded('xdebug') ? 0 : 1);").Run(); err != nil {
		t.Skip("Xdebug is not installed (Debian: php-xdebug)")
	}
	bin, err := exec.LookPath("phprun")
	if err != nil {
		t.Fatal(err)
	}
	ide, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ide.Close()
	ideAddr := ide.Addr().(*net.TCPAddr)
	addr, err := newLoopbackPorts().addr()
	if err != nil {
		t.Fatal(err)
	}
	skeleton, _ := filepath.Abs("php-skeleton")
	worker := `<?php
require getenv('SKELETON') . '/autoload.php';
$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) {
    var_dump("dumped by " . getmypid());
    $body = getmypid() . ' ' . getenv('XDEBUG_MODE') . ' ' . getenv('XDEBUG_SESSION');
    $worker->respond(200, $body, ['Content-Type' => ['text/plain']]);
}
`
	const breakLine = 6 // $body = ...
	dir := project(t, map[string]string{
		"phprun.yaml": fmt.Sprintf("version: \"3\"\nserver:\n  command: php -d zend_extension=xdebug.so -d xdebug.client_host=127.0.0.1 -d xdebug.client_port=%d worker.php\n"+
			"http:\n  address: %s\n  pool:\n    num_workers: 2\n    supervisor:\n      exec_ttl: 1s\n", ideAddr.Port, addr),
		"worker.php": worker,
	})
	logPath := filepath.Join(dir, "dev.log")
	cmd := exec.Command(bin, "dev", "--debug", "--headless", "-o", "logs.output="+logPath)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SKELETON="+skeleton)
	cmd.Env = slicesWithoutPrefix(cmd.Env, "XDEBUG_")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()

	// phprun boots no worker in debug mode: the port answers at once, and
	// the first request starts the first worker.
	type result struct {
		code int
		body string
		err  error
	}
	get := func() chan result {
		ch := make(chan result, 1)
		go func() {
			deadline := time.Now().Add(20 * time.Second)
			for {
				resp, err := http.Get("http://" + addr + "/")
				if err != nil && time.Now().Before(deadline) {
					time.Sleep(50 * time.Millisecond)
					continue
				}
				if err != nil {
					ch <- result{err: err}
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				ch <- result{code: resp.StatusCode, body: string(b)}
				return
			}
		}()
		return ch
	}
	var conns []net.Conn
	defer func() { // before phprun's drain: a paused request would hold it
		for _, c := range conns {
			c.Close()
		}
	}()
	accept := func() *dbgpConn {
		t.Helper()
		_ = ide.(*net.TCPListener).SetDeadline(time.Now().Add(30 * time.Second))
		c, err := ide.Accept()
		if err != nil {
			t.Fatalf("Xdebug never connected to the IDE: %v\nlog:\n%s", err, readFile(logPath))
		}
		conns = append(conns, c)
		d := &dbgpConn{t: t, c: c, r: bufio.NewReader(c)}
		if init := d.read(); !strings.Contains(init, "<init") || !strings.Contains(init, "worker.php") {
			t.Fatalf("first packet is not Xdebug's init for worker.php: %s", init)
		}
		return d
	}

	first := get()
	d := accept()
	file := "file://" + filepath.Join(dir, "worker.php")
	if r := d.cmd(fmt.Sprintf("breakpoint_set -t line -f %s -n %d", file, breakLine)); !strings.Contains(r, `command="breakpoint_set"`) || !strings.Contains(r, ` id="`) {
		t.Fatalf("breakpoint_set: %s", r)
	}
	r := d.cmd("run")
	if !strings.Contains(r, `status="break"`) || !regexp.MustCompile(`lineno="`+strconv.Itoa(breakLine)+`"`).MatchString(r) {
		t.Fatalf("run did not stop at line %d: %s", breakLine, r)
	}
	// One HTTP worker: a request sent while the first is paused waits in
	// the queue; no second worker starts (Xdebug would connect for it).
	second := get()
	// paused at the breakpoint for longer than exec_ttl (1s): debug mode
	// turned exec_ttl off, so the request is still there
	time.Sleep(1500 * time.Millisecond)
	select {
	case res := <-first:
		t.Fatalf("the paused request was answered (%d %q): the worker was killed", res.code, res.body)
	case res := <-second:
		t.Fatalf("a request was answered (%d %q) while the debug worker was paused: want it queued", res.code, res.body)
	default:
	}
	_ = ide.(*net.TCPListener).SetDeadline(time.Now().Add(300 * time.Millisecond))
	if c, err := ide.Accept(); err == nil {
		c.Close()
		t.Fatal("a second worker started while the first was paused at a breakpoint: debug mode runs one HTTP worker")
	}
	d.cmd("run")
	d.c.Close()
	res := <-first
	if res.err != nil || res.code != 200 || !strings.HasSuffix(res.body, " debug phprun") {
		t.Fatalf("after run: %+v\nlog:\n%s", res, readFile(logPath))
	}
	pid1 := strings.Fields(res.body)[0]

	// the queued request: a fresh worker with a session of its own
	d = accept()
	d.cmd("run")
	d.c.Close()
	res = <-second
	if res.err != nil || res.code != 200 {
		t.Fatalf("second request: %+v", res)
	}
	if pid2 := strings.Fields(res.body)[0]; pid2 == pid1 {
		t.Fatalf("both requests were served by worker %s: debug mode must start a fresh worker per request", pid1)
	}

	// var_dump's output is in the log, tagged with the PID of the request's worker
	want := regexp.MustCompile(`"msg":"string\(\d+\) \\"dumped by ` + pid1 + `\\"","event":"worker.output","pool":"http","pid":` + pid1)
	for deadline := time.Now().Add(5 * time.Second); !want.MatchString(readFile(logPath)); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("var_dump output of worker %s not logged with its PID:\n%s", pid1, readFile(logPath))
		}
	}
	if !strings.Contains(readFile(logPath), `"debug":"a fresh worker per request, exec_ttl off"`) {
		t.Errorf("the startup line does not say debug mode is on:\n%s", readFile(logPath))
	}
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

func slicesWithoutPrefix(env []string, prefix string) []string {
	out := env[:0:0]
	for _, e := range env {
		if !strings.HasPrefix(e, prefix) {
			out = append(out, e)
		}
	}
	return out
}
