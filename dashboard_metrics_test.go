//go:build unix

package main

import (
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestDashboardMetricsInTmux runs `phprun dev` with a metrics section on a
// real 80×24 terminal: m opens the metrics panel, which shows the requests
// by status class and the app counter a real PHP worker adds to over RPC,
// with its label and value.
func TestDashboardMetricsInTmux(t *testing.T) {
	bin, skeleton, addr := tmuxPrereqs(t, "tmux", "php")
	ports := newLoopbackPorts()
	rpcAddr, err := ports.addr()
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr, err := ports.addr()
	if err != nil {
		t.Fatal(err)
	}
	dir := project(t, map[string]string{
		"phprun.yaml": "version: \"3\"\nserver:\n  command: php worker.php\nrpc:\n  listen: tcp://" + rpcAddr +
			"\nhttp:\n  address: " + addr + "\ndev:\n  workers: 1\n  watch: false\nmetrics:\n  address: " + metricsAddr +
			"\n  collect:\n    app_hits:\n      type: counter\n      labels: [route]\n",
		"worker.php": `<?php
require getenv('SKELETON') . '/autoload.php';
$metrics = \Phprun\Metrics::create();
$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) {
    if ($req->path === '/missing') {
        $worker->respond(404, "no\n");
        continue;
    }
    $metrics->add('app_hits', 1, ['home']);
    $worker->respond(200, "ok\n");
}
`,
	})
	tm := startTmux(t, dir, bin, skeleton)
	tm.waitFor("the dashboard", func() bool { return strings.Contains(tm.screen(), "phprun dev") })
	for _, path := range []string{"/", "/", "/", "/missing"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	tm.tmux("send-keys", "-t", "dash", "m")
	row := func(prefix string, words ...string) func() bool {
		return func() bool {
			for _, l := range strings.Split(tm.screen(), "\n") {
				if f := strings.Fields(l); len(f) >= len(words)+1 && f[0] == prefix && equalWords(f[1:len(words)+1], words) {
					return true
				}
			}
			return false
		}
	}
	tm.waitFor("the app counter with its value", row("app_hits", "counter", `route="home"`, "3"))
	rate := func(class string) func() bool {
		return func() bool {
			for _, l := range strings.Split(tm.screen(), "\n") {
				if f := strings.Fields(l); len(f) >= 2 && f[0] == class && f[1] != "0/s" {
					return true
				}
			}
			return false
		}
	}
	tm.waitFor("a 2xx rate", rate("2xx"))
	tm.waitFor("a 4xx rate", rate("4xx"))
	tm.tmux("send-keys", "-t", "dash", "q")
	tm.waitFor("phprun to exit", func() bool { _, err := os.Stat(tm.exitFile); return err == nil })
}

func equalWords(a, b []string) bool { return strings.Join(a, " ") == strings.Join(b, " ") }
