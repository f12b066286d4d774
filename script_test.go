//go:build unix

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run phprun in-process: scripts call `phprun`
// and get this package's main (a copy of the test binary on $PATH).
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"phprun": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI end-to-end scripts in testdata/script: real
// phprun processes, real PHP workers, real HTTP on loopback.
func TestScripts(t *testing.T) {
	skeleton, err := filepath.Abs("php-skeleton")
	if err != nil {
		t.Fatal(err)
	}
	ports := newLoopbackPorts()
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			for _, name := range []string{"HTTP_ADDR", "HTTP_ADDR2", "STATUS_ADDR", "RPC_ADDR"} {
				addr, err := ports.addr()
				if err != nil {
					return err
				}
				env.Setenv(name, addr)
			}
			env.Setenv("SKELETON", skeleton)
			env.Values[loadKey{}] = &loadState{}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "root":
				return os.Geteuid() == 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waitfor":  cmdWaitFor,
			"get":      cmdGet,
			"sig":      cmdSig,
			"exits":    cmdExits,
			"load":     cmdLoad,
			"loadwait": cmdLoadWait,
			"waitfile": cmdWaitFile,
			"sleep":    cmdSleep,
		},
	})
}

// loopbackPorts hands out loopback addresses for servers a test starts
// later, with ports below the ephemeral range (32768–60999 on Linux,
// 49152 and up elsewhere). A port the kernel picked for ":0" is free only
// for the moment: until phprun binds it, the kernel may give it to any
// outgoing connection on the machine as its local port, and the bind then
// fails with "address already in use" (a flaky script in a full
// `go test ./...` run). Ports go out in turn from a random start, each
// checked by a listen, so the tests of one process never share one.
type loopbackPorts struct {
	mu   sync.Mutex
	next int // guarded by mu
}

const portsLo, portsHi = 20000, 32000

func newLoopbackPorts() *loopbackPorts {
	return &loopbackPorts{next: portsLo + rand.IntN(portsHi-portsLo)}
}

// addr returns "127.0.0.1:PORT" with a port nobody listens on now.
func (p *loopbackPorts) addr() (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for range portsHi - portsLo {
		port := p.next
		if p.next++; p.next == portsHi {
			p.next = portsLo
		}
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue
		}
		addr := ln.Addr().String()
		ln.Close()
		return addr, nil
	}
	return "", fmt.Errorf("no free loopback port in [%d, %d)", portsLo, portsHi)
}

var scriptClient = &http.Client{Timeout: 30 * time.Second}

// waitfor URL: poll until URL answers (any status), for at most 30s.
func cmdWaitFor(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: waitfor URL")
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := scriptClient.Get(args[0])
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts.Fatalf("%s did not answer within 30s", args[0])
}

// get URL [STATUS]: GET URL, write the body to stdout, check the status
// (default 200).
func cmdGet(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: get URL [STATUS]")
	}
	want := 200
	if len(args) == 2 {
		want, _ = strconv.Atoi(args[1])
	}
	resp, err := scriptClient.Get(args[0])
	if err != nil {
		if neg {
			return
		}
		ts.Fatalf("GET %s: %v", args[0], err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Fprintf(ts.Stdout(), "%s", body)
	if (resp.StatusCode == want) == neg {
		ts.Fatalf("GET %s: status %d, want %s%d; body %q", args[0], resp.StatusCode, map[bool]string{true: "not ", false: ""}[neg], want, body)
	}
}

// sig SIGNAL [WORD]: send TERM, INT or USR2 to every background command, or
// to those whose command line contains WORD (e.g. "workers").
func cmdSig(ts *testscript.TestScript, neg bool, args []string) {
	sigs := map[string]syscall.Signal{"TERM": syscall.SIGTERM, "INT": syscall.SIGINT, "USR2": syscall.SIGUSR2, "KILL": syscall.SIGKILL}
	if len(args) < 1 || len(args) > 2 || neg || sigs[args[0]] == 0 {
		ts.Fatalf("usage: sig TERM|INT|USR2|KILL [WORD]")
	}
	n := 0
	for _, c := range ts.BackgroundCmds() {
		if c.Process == nil || c.ProcessState != nil || (len(args) == 2 && !strings.Contains(strings.Join(c.Args, " "), args[1])) {
			continue
		}
		ts.Check(c.Process.Signal(sigs[args[0]]))
		n++
	}
	if n == 0 {
		ts.Fatalf("sig: no running background command matches")
	}
}

// exits CODE command args...: run a command and check its exact exit code
// (testscript's `!` only knows zero and non-zero). stdout and stderr are
// kept for the next assertions.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || neg {
		ts.Fatalf("usage: exits CODE command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}

type loadKey struct{}

// loadState is the requests started by `load` for `loadwait` to check.
type loadState struct {
	mu      sync.Mutex
	wg      sync.WaitGroup
	results []string // guarded by mu: "" for success, else what went wrong
}

// load N URL: start N concurrent GETs and return once every one of them has
// been written to the server, so a signal sent next arrives after the
// server accepted them.
func cmdLoad(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: load N URL")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 1 || n > 200 {
		ts.Fatalf("load: bad count %q", args[0])
	}
	st := ts.Value(loadKey{}).(*loadState)
	var written sync.WaitGroup
	written.Add(n)
	for i := 0; i < n; i++ {
		st.wg.Add(1)
		go func() {
			defer st.wg.Done()
			var once sync.Once
			done := func() { once.Do(written.Done) }
			defer done()
			trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { done() }}
			req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, args[1], nil)
			// a fresh connection per request: no idle keep-alive
			// connection for the server to close under us
			client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			res := ""
			resp, err := client.Do(req)
			if err != nil {
				res = err.Error()
			} else {
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || err != nil {
					res = fmt.Sprintf("status %d, body %q, %v", resp.StatusCode, body, err)
				}
			}
			st.mu.Lock()
			st.results = append(st.results, res)
			st.mu.Unlock()
		}()
	}
	written.Wait()
}

// [!] loadwait: wait for the requests of `load` and fail unless all got
// 200 (with !: unless some failed).
func cmdLoadWait(ts *testscript.TestScript, neg bool, args []string) {
	st := ts.Value(loadKey{}).(*loadState)
	st.wg.Wait()
	st.mu.Lock()
	defer st.mu.Unlock()
	failed := 0
	for _, r := range st.results {
		if r != "" {
			failed++
			ts.Logf("failed request: %s", r)
		}
	}
	fmt.Fprintf(ts.Stdout(), "%d requests, %d failed\n", len(st.results), failed)
	switch {
	case failed > 0 && !neg:
		ts.Fatalf("%d of %d requests failed", failed, len(st.results))
	case failed == 0 && neg:
		ts.Fatalf("all %d requests succeeded, want failures", len(st.results))
	}
	st.results = nil
}

// waitfile FILE REGEXP: poll FILE until it matches, for at most 30s (for
// log files of servers still running in the background).
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: waitfile FILE REGEXP")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(ts.MkAbs(args[0]))
		if re.Match(data) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	data, _ := os.ReadFile(ts.MkAbs(args[0]))
	ts.Fatalf("%s does not match %q after 30s; it holds:\n%s", args[0], args[1], data)
}

// sleep DURATION: pause the script.
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}
