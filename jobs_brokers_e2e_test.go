package main

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/phprun/phprun/internal/testbroker"
)

// brokerWorker is worker.php for the broker tests: HTTP answers ok; a jobs
// worker acks each job and logs "id pid" to $JOBS_LOG (one line, appended
// under a lock, so two phprun processes can share the file).
const brokerWorker = `<?php
require getenv('SKELETON') . '/autoload.php';
if (getenv('RR_MODE') === 'jobs') {
    $c = \Phprun\Jobs\Consumer::create();
    while ($t = $c->waitTask()) {
        file_put_contents(getenv('JOBS_LOG'), $t->id . ' ' . $t->driver . ' ' . getmypid() . "\n", FILE_APPEND | LOCK_EX);
        $t->ack();
    }
    return;
}
$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) { $worker->respond(200, "ok\n"); }
`

// brokerPush pushes N jobs to pipeline P with ids P-0 … P-(N-1).
const brokerPush = `<?php
require getenv('SKELETON') . '/autoload.php';
[$_, $rpc, $pipe, $n] = $argv;
$jobs = \Phprun\Jobs\Jobs::create($rpc);
for ($i = 0; $i < (int)$n; $i++) { $jobs->push($pipe, 'Job', 'x', id: "$pipe-$i"); }
echo "pushed\n";
`

// TestJobsOnBrokers runs phprun with amqp and nats pipelines, real
// brokers and real PHP consumers: jobs pushed while a phprun consumed
// nothing survive its restart, and two phprun processes consuming one
// RabbitMQ queue and one NATS stream share the jobs, each consumed once,
// none lost.
func TestJobsOnBrokers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts RabbitMQ and NATS")
	}
	if _, err := exec.LookPath("php"); err != nil {
		t.Skip("php not installed")
	}
	var rabbit, natsSrv *testbroker.Broker
	var rerr, nerr error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); rabbit, rerr = testbroker.RabbitMQ() }()
	go func() { defer wg.Done(); natsSrv, nerr = testbroker.NATS() }()
	wg.Wait()
	if rabbit != nil {
		t.Cleanup(rabbit.Stop)
	}
	if natsSrv != nil {
		t.Cleanup(natsSrv.Stop)
	}
	for _, err := range []error{rerr, nerr} {
		if errors.Is(err, testbroker.ErrMissing) {
			t.Skip(err)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	skeleton, _ := filepath.Abs("php-skeleton")
	config := func(consume string) string {
		return fmt.Sprintf(`version: "3"
server:
  command: php worker.php
http:
  pool:
    num_workers: 1
amqp:
  addr: %s
nats:
  addr: %s
jobs:
  pool:
    num_workers: 2
  consume: [%s]
  pipelines:
    rabbit:
      driver: amqp
      config:
        queue: e2e-rabbit
        routing_key: e2e-rabbit
        durable: true
        prefetch: 5
    jet:
      driver: nats
      config:
        subject: e2e.jet
        stream: e2e
        prefetch: 5
`, rabbit.Addr, natsSrv.Addr, consume)
	}
	dir := project(t, map[string]string{
		"idle.yaml":   config(""),
		"phprun.yaml": config("rabbit, jet"),
		"worker.php":  brokerWorker,
		"push.php":    brokerPush,
	})
	log := filepath.Join(dir, "jobs.log")
	ports := newLoopbackPorts()

	// serve starts one phprun with cfg and returns its RPC address.
	serve := func(cfg string) (string, *exec.Cmd) {
		t.Helper()
		httpAddr, err := ports.addr()
		if err != nil {
			t.Fatal(err)
		}
		rpcAddr, err := ports.addr()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("phprun", "serve", "-c", cfg, "-o", "http.address="+httpAddr, "-o", "rpc.listen=tcp://"+rpcAddr)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "SKELETON="+skeleton, "JOBS_LOG="+log)
		out, err := os.Create(filepath.Join(dir, "serve-"+strings.ReplaceAll(rpcAddr, ":", "_")+".log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			out.Close()
			if t.Failed() {
				data, _ := os.ReadFile(out.Name())
				t.Logf("%s:\n%s", out.Name(), data)
			}
		})
		waitHTTP(t, "http://"+httpAddr+"/", 30*time.Second)
		return "tcp://" + rpcAddr, cmd
	}
	push := func(rpc, pipe string, n int) {
		t.Helper()
		c := exec.Command("php", "push.php", rpc, pipe, fmt.Sprint(n))
		c.Dir, c.Env = dir, append(os.Environ(), "SKELETON="+skeleton)
		if out, err := c.CombinedOutput(); err != nil || !strings.Contains(string(out), "pushed") {
			t.Fatalf("push %s: %v\n%s", pipe, err, out)
		}
	}
	stop := func(cmd *exec.Cmd) {
		t.Helper()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("phprun did not stop within 30s of SIGTERM")
		}
	}

	// 1. Nothing consumes: pushes are kept by the brokers (the queue and
	// the consumer are declared at pipeline start), then phprun stops.
	rpc, idle := serve("idle.yaml")
	push(rpc, "rabbit", 20)
	push(rpc, "jet", 20)
	stop(idle)
	if data, _ := os.ReadFile(log); len(data) > 0 {
		t.Fatalf("jobs consumed by a phprun that consumes nothing:\n%s", data)
	}

	// 2. Two phprun processes consume both pipelines; 80 more jobs each.
	rpcA, a := serve("phprun.yaml")
	rpcB, b := serve("phprun.yaml")
	push(rpcA, "rabbit", 60) // ids rabbit-0..59: 0..19 again, as a fresh push
	push(rpcB, "jet", 60)
	want := map[string]int{}
	for i := range 20 {
		want[fmt.Sprintf("rabbit-%d", i)], want[fmt.Sprintf("jet-%d", i)] = 2, 2 // pushed twice (same id)
	}
	for i := 20; i < 60; i++ {
		want[fmt.Sprintf("rabbit-%d", i)], want[fmt.Sprintf("jet-%d", i)] = 1, 1
	}
	total := 0
	for _, n := range want {
		total += n
	}
	var lines []string
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(log)
		lines = strings.Fields(string(data))
		if len(lines)/3 >= total {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // a duplicate would show up now
	data, _ := os.ReadFile(log)
	got := map[string]int{}
	pids := map[string]bool{}
	rows := strings.Split(strings.TrimSpace(string(data)), "\n")
	for _, row := range rows {
		f := strings.Fields(row)
		if len(f) != 3 {
			t.Fatalf("bad log line %q", row)
		}
		got[f[0]]++
		pids[f[2]] = true
	}
	for id, n := range want {
		if got[id] != n {
			t.Errorf("job %s consumed %d times, want %d", id, got[id], n)
		}
	}
	if len(rows) != total {
		t.Errorf("consumed %d jobs, want %d", len(rows), total)
	}
	if len(pids) < 3 {
		t.Errorf("jobs ran in %d PHP workers; two phprun processes have 4", len(pids))
	}
	stop(a)
	stop(b)
}

// waitHTTP waits until url answers anything, or fails the test.
func waitHTTP(t *testing.T, url string, within time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not answer within %v", url, within)
}
