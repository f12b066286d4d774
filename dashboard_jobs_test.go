//go:build unix

package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestDashboardJobsInTmux runs `phprun dev` with a jobs section on a real
// terminal: the Jobs pane (5) lists the pipeline, a job pushed by PHP shows
// up as acked, p pauses the pipeline for real (the RPC Stat says so), and
// the workers pane lists the jobs worker beside the HTTP one.
func TestDashboardJobsInTmux(t *testing.T) {
	bin, skeleton, addr := tmuxPrereqs(t, "tmux", "php")
	rpcAddr, err := newLoopbackPorts().addr()
	if err != nil {
		t.Fatal(err)
	}
	dir := project(t, map[string]string{
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
	})
	tm := startTmux(t, dir, bin, skeleton)
	line := func(prefix, word string) func() bool {
		return func() bool {
			for _, l := range strings.Split(tm.screen(), "\n") {
				if strings.HasPrefix(strings.TrimLeft(l, " ›"), prefix) && strings.Contains(l, word) {
					return true
				}
			}
			return false
		}
	}
	tm.waitFor("the dashboard", func() bool { return strings.Contains(tm.screen(), "phprun dev") })
	tm.tmux("send-keys", "-t", "dash", "5")
	tm.waitFor("the Jobs pane", line("mail ", "consuming"))
	push := exec.Command("php", "push.php")
	push.Dir, push.Env = dir, append(os.Environ(), "SKELETON="+skeleton)
	if out, err := push.CombinedOutput(); err != nil {
		t.Fatalf("push: %v\n%s", err, out)
	}
	tm.waitFor("the finished job", func() bool {
		for _, l := range strings.Split(tm.screen(), "\n") {
			if f := strings.Fields(l); len(f) > 3 && f[1] == "ack" && f[2] == "mail" && f[3] == "WelcomeMail" {
				return true
			}
		}
		return false
	})

	tm.tmux("send-keys", "-t", "dash", "p")
	tm.waitFor("the paused pipeline", line("mail ", "paused"))
	out, err := exec.Command(bin, "jobs", "list", "--json", "-o", "rpc.listen=tcp://"+rpcAddr).CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"state": "paused"`) {
		t.Fatalf("phprun jobs after p: %v\n%s", err, out)
	}

	tm.tmux("send-keys", "-t", "dash", "1")
	tm.waitFor("the HTTP and the jobs worker in the workers pane", func() bool { return len(screenPIDs(tm.screen())) == 2 })

	tm.tmux("send-keys", "-t", "dash", "q")
	tm.waitFor("phprun to exit", func() bool { _, err := os.Stat(tm.exitFile); return err == nil })
	if code := strings.TrimSpace(string(mustRead(t, tm.exitFile))); code != "0" {
		t.Errorf("phprun dev exited with %s after q, want 0; screen:\n%s", code, tm.screen())
	}
}
