package jobs_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/memory"
)

// seen is one line of testdata/consumer.php's log: a job as PHP received it.
type seen struct {
	ID, Name, Pipeline, Driver, Payload, Mode string
	Headers                                   map[string][]string
	PID                                       int
}

// harness is a jobs plugin with a real PHP jobs pool.
type harness struct {
	t      *testing.T
	p      *jobs.Plugin
	pool   *engine.Pool
	log    string
	done   chan jobs.Finished
	stopMu chan struct{}
}

func needPHP(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("php"); err != nil {
		t.Skip("php not installed")
	}
}

// start runs cfg with workers PHP consumers. Cleanup stops everything.
func start(t *testing.T, cfg jobs.Config, workers int) *harness {
	t.Helper()
	return startWith(t, cfg, workers, nil)
}

// startWith is start with a change to the pool's config.
func startWith(t *testing.T, cfg jobs.Config, workers int, tune func(*engine.Config)) *harness {
	t.Helper()
	needPHP(t)
	h := &harness{t: t, log: filepath.Join(t.TempDir(), "jobs.log"), done: make(chan jobs.Finished, 1024)}
	ec := engine.DefaultConfig()
	ec.Name, ec.Mode = "jobs", "jobs"
	ec.Server.Command = []string{"php", "testdata/consumer.php"}
	ec.Server.Env = map[string]string{"JOBS_LOG": h.log}
	ec.Pool.NumWorkers = workers
	ec.Pool.DestroyTimeout = 5 * time.Second
	if tune != nil {
		tune(&ec)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pool, err := engine.New(ctx, ec, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.pool = pool
	h.p, err = jobs.New(cfg, jobs.Deps{Drivers: map[string]jobs.Constructor{"memory": memory.Open}, Pool: pool,
		Pollers: workers + 2, OnFinish: func(f jobs.Finished) {
			select {
			case h.done <- f:
			default:
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = h.p.Stop(sctx)
		_ = pool.Close(sctx)
	})
	return h
}

// memCfg is a jobs config with memory pipelines; the first ones consume.
func memCfg(consume []string, names ...string) jobs.Config {
	cfg := jobs.DefaultConfig()
	cfg.Consume = consume
	cfg.Pipelines = map[string]jobs.PipelineConfig{}
	for _, n := range names {
		cfg.Pipelines[n] = jobs.PipelineConfig{Driver: "memory", Config: map[string]any{"priority": 10}}
	}
	return cfg
}

func (h *harness) push(j *jobs.Job) {
	h.t.Helper()
	if err := h.p.Push(context.Background(), j); err != nil {
		h.t.Fatalf("push %s: %v", j.ID, err)
	}
}

// finished waits for the next finished job.
func (h *harness) finished(within time.Duration) jobs.Finished {
	h.t.Helper()
	select {
	case f := <-h.done:
		return f
	case <-time.After(within):
		h.t.Fatalf("no job finished within %v", within)
		return jobs.Finished{}
	}
}

// seen reads what PHP received so far.
func (h *harness) seen() []seen {
	h.t.Helper()
	f, err := os.Open(h.log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	var out []seen
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var s seen
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			h.t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, s)
	}
	return out
}

func TestConsumeAckWithContext(t *testing.T) {
	h := start(t, memCfg([]string{"p1"}, "p1"), 1)
	h.push(&jobs.Job{ID: "id-1", Name: "mail", Pipeline: "p1", Payload: []byte(`{"to":"a"}`), Headers: map[string][]string{"h1": {"v1"}}})
	if f := h.finished(10 * time.Second); f.Outcome != jobs.OutcomeAck || f.ID != "id-1" || f.PID == 0 {
		t.Fatalf("finished %+v, want id-1 acked by a worker", f)
	}
	s := h.seen()
	if len(s) != 1 {
		t.Fatalf("PHP saw %d jobs, want 1", len(s))
	}
	got := s[0]
	if got.ID != "id-1" || got.Name != "mail" || got.Pipeline != "p1" || got.Driver != "memory" || got.Payload != `{"to":"a"}` ||
		!slices.Equal(got.Headers["h1"], []string{"v1"}) || got.Mode != "jobs" {
		t.Fatalf("PHP received %+v", got)
	}
}

func TestReplies(t *testing.T) {
	h := start(t, memCfg([]string{"p1"}, "p1"), 2)
	cases := []struct {
		name     string
		outcomes []string // in order, for this job
		php      int      // deliveries PHP sees
	}{
		{"nack", []string{jobs.OutcomeNack}, 1},
		{"requeue-once", []string{jobs.OutcomeRequeue, jobs.OutcomeAck}, 2},
		{"fail-requeue-once", []string{jobs.OutcomeRequeue, jobs.OutcomeAck}, 2},
		{"fail", []string{jobs.OutcomeFailed}, 1},
		{"garbage", []string{jobs.OutcomeAck}, 1},
		{"error", []string{jobs.OutcomeFailed}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := "r-" + c.name
			h.push(&jobs.Job{ID: id, Name: c.name, Pipeline: "p1", Payload: []byte("0")})
			for i, want := range c.outcomes {
				f := h.finished(10 * time.Second)
				if f.ID != id || f.Outcome != want {
					t.Fatalf("delivery %d: finished %+v, want %s", i, f, want)
				}
			}
			var n int
			var last seen
			for _, s := range h.seen() {
				if s.ID == id {
					n++
					last = s
				}
			}
			if n != c.php {
				t.Fatalf("PHP saw %s %d times, want %d", id, n, c.php)
			}
			if len(c.outcomes) > 1 && !slices.Equal(last.Headers["attempts"], []string{"1"}) {
				t.Fatalf("redelivery headers %v, want attempts=1 merged in", last.Headers)
			}
		})
	}
}

func TestRequeueDelay(t *testing.T) {
	h := start(t, memCfg([]string{"p1"}, "p1"), 1)
	start := time.Now()
	h.push(&jobs.Job{ID: "d", Name: "requeue-once", Pipeline: "p1", Payload: []byte("1")})
	h.finished(10 * time.Second)
	if f := h.finished(10 * time.Second); f.Outcome != jobs.OutcomeAck {
		t.Fatalf("second delivery %+v", f)
	}
	if el := time.Since(start); el < time.Second {
		t.Fatalf("requeued with delay_seconds 1, came back after %v", el)
	}
}

// A job whose worker is killed mid-job comes back and is done by the
// replacement worker (RoadRunner's memory driver drops it).
func TestCrashRedelivers(t *testing.T) {
	h := start(t, memCfg([]string{"p1"}, "p1"), 1)
	marker := filepath.Join(t.TempDir(), "crashed")
	h.push(&jobs.Job{ID: "c", Name: "crash-once", Pipeline: "p1", Payload: []byte(marker)})
	if f := h.finished(10 * time.Second); f.Outcome != jobs.OutcomeFailed {
		t.Fatalf("first delivery %+v, want failed (worker killed)", f)
	}
	if f := h.finished(15 * time.Second); f.Outcome != jobs.OutcomeAck || f.ID != "c" {
		t.Fatalf("redelivery %+v, want c acked", f)
	}
	s := h.seen()
	if len(s) != 2 || s[0].PID == s[1].PID {
		t.Fatalf("PHP saw %+v, want two deliveries on two workers", s)
	}
}

// A job that exceeds exec_ttl has its worker killed and is delivered
// again, to the replacement worker.
func TestExecTTLRedelivers(t *testing.T) {
	h := startWith(t, memCfg([]string{"p1"}, "p1"), 1, func(ec *engine.Config) { ec.Pool.Supervisor.ExecTTL = 500 * time.Millisecond })
	marker := filepath.Join(t.TempDir(), "slow")
	h.push(&jobs.Job{ID: "t", Name: "slow-once", Pipeline: "p1", Payload: []byte(marker)})
	if f := h.finished(10 * time.Second); f.Outcome != jobs.OutcomeFailed || !strings.Contains(f.Error, "exec_ttl") {
		t.Fatalf("first delivery %+v, want failed by exec_ttl", f)
	}
	if f := h.finished(15 * time.Second); f.Outcome != jobs.OutcomeAck || f.ID != "t" {
		t.Fatalf("redelivery %+v, want t acked", f)
	}
}

// A job that kills every worker is dropped after maxCrashes (3) attempts
// instead of looping forever.
func TestPoisonJobDroppedAfterThreeCrashes(t *testing.T) {
	h := start(t, memCfg([]string{"p1"}, "p1"), 1)
	h.push(&jobs.Job{ID: "poison", Name: "crash-always", Pipeline: "p1", Payload: []byte("x")})
	for i := range 3 {
		f := h.finished(15 * time.Second)
		if f.Outcome != jobs.OutcomeFailed || f.ID != "poison" {
			t.Fatalf("attempt %d: %+v", i+1, f)
		}
		if dropped := strings.Contains(f.Error, "dropped"); dropped != (i == 2) {
			t.Fatalf("attempt %d: %q", i+1, f.Error)
		}
	}
	h.push(&jobs.Job{ID: "after", Name: "x", Pipeline: "p1", Payload: []byte("x")})
	if f := h.finished(15 * time.Second); f.ID != "after" || f.Outcome != jobs.OutcomeAck {
		t.Fatalf("after the poison job: %+v (was it delivered a fourth time?)", f)
	}
}

// Jobs of a lower priority number run first, across pipelines.
func TestPriorityAcrossPipelines(t *testing.T) {
	cfg := memCfg(nil, "low", "high")
	cfg.Pipelines["high"] = jobs.PipelineConfig{Driver: "memory", Config: map[string]any{"priority": 1}}
	h := start(t, cfg, 1)
	h.push(&jobs.Job{ID: "block", Name: "sleep", Pipeline: "low", Payload: []byte("300")})
	for i := range 3 {
		h.push(&jobs.Job{ID: "low" + string(rune('0'+i)), Name: "x", Pipeline: "low", Payload: []byte("x")})
		h.push(&jobs.Job{ID: "high" + string(rune('0'+i)), Name: "x", Pipeline: "high", Payload: []byte("x")})
	}
	ctx := context.Background()
	if err := h.p.Resume(ctx, "high"); err != nil {
		t.Fatal(err)
	}
	if err := h.p.Resume(ctx, "low"); err != nil {
		t.Fatal(err)
	}
	var order []string
	for range 7 {
		order = append(order, h.finished(10*time.Second).ID)
	}
	// The first job may be either (the worker was free); after it, every
	// high job before any low one still queued.
	rest := order[1:]
	firstLow := slices.IndexFunc(rest, func(id string) bool { return strings.HasPrefix(id, "low") })
	lastHigh := -1
	for i, id := range rest {
		if strings.HasPrefix(id, "high") {
			lastHigh = i
		}
	}
	if firstLow >= 0 && lastHigh > firstLow {
		t.Fatalf("order %v: a low-priority job ran before a high one", order)
	}
}

// Stop lets the running job finish and returns as soon as it is done,
// not after the whole destroy_timeout.
func TestStopWaitsForRunningJobOnly(t *testing.T) {
	h := start(t, memCfg([]string{"p1"}, "p1"), 1)
	h.push(&jobs.Job{ID: "s", Name: "sleep", Pipeline: "p1", Payload: []byte("500")})
	deadline := time.Now().Add(10 * time.Second)
	for len(h.seen()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.p.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("stop took %v; the job needed 0.5s", el)
	}
	if f := h.finished(time.Second); f.ID != "s" || f.Outcome != jobs.OutcomeAck {
		t.Fatalf("running job %+v, want s acked before Stop returned", f)
	}
}
