package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// batchOf makes one payload per context, each with body "b<i>".
func batchOf(ctxs ...string) []Payload {
	pls := make([]Payload, len(ctxs))
	for i, c := range ctxs {
		pls[i] = Payload{Context: []byte(c), Body: []byte(fmt.Sprintf("b%d", i)), Codec: wire.CodecRaw}
	}
	return pls
}

// batchResult is what ExecBatch reported for one job.
type batchResult struct {
	i         int
	ctx, body string
	pid       int
	err       error
}

func runBatch(t *testing.T, p *Pool, pls []Payload) (int, []batchResult) {
	t.Helper()
	var got []batchResult
	ran, err := p.ExecBatch(context.Background(), pls, func(i int, r BatchReply, err error) {
		got = append(got, batchResult{i: i, ctx: string(r.Context), body: string(r.Body), pid: r.PID, err: err})
	})
	if err != nil {
		t.Fatalf("ExecBatch: %v", err)
	}
	if len(got) != ran {
		t.Fatalf("ran %d but reported %d jobs", ran, len(got))
	}
	for k, g := range got {
		if g.i != k {
			t.Fatalf("job %d reported as %d: out of order", k, g.i)
		}
	}
	return ran, got
}

func TestExecBatchRepliesInOrderWithPHP(t *testing.T) {
	p := newPool(t, phpConfig(t, 1), nil)
	ctxs := make([]string, 12)
	for i := range ctxs {
		ctxs[i] = fmt.Sprintf("c%d", i)
	}
	ran, got := runBatch(t, p, batchOf(ctxs...))
	if ran != 12 {
		t.Fatalf("ran %d of 12", ran)
	}
	for i, g := range got {
		if g.err != nil || g.ctx != ctxs[i] || g.body != fmt.Sprintf("b%d", i) {
			t.Fatalf("job %d: %q %q %v, want its own echo", i, g.ctx, g.body, g.err)
		}
	}
	if st := p.Stats(); st.Workers[0].NumExecs != 12 {
		t.Fatalf("worker counted %d execs, want 12", st.Workers[0].NumExecs)
	}
	// The worker serves single jobs afterwards, in step.
	if c, b, err := execString(t, p, "after", "x"); err != nil || c != "after" || b != "x" {
		t.Fatalf("exec after batch: %q %q %v", c, b, err)
	}
}

func TestExecBatchSoftErrorContinues(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	ran, got := runBatch(t, p, batchOf("a", "b", "error", "d", "e"))
	if ran != 5 {
		t.Fatalf("ran %d of 5", ran)
	}
	var soft *SoftError
	if !errors.As(got[2].err, &soft) || soft.Message != "soft failure" {
		t.Fatalf("job 2: %v, want the soft error", got[2].err)
	}
	for _, k := range []int{0, 1, 3, 4} {
		if got[k].err != nil || got[k].body != fmt.Sprintf("b%d", k) {
			t.Fatalf("job %d: %q %v", k, got[k].body, got[k].err)
		}
	}
}

func TestExecBatchCrashEndsBatch(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	ran, got := runBatch(t, p, batchOf("a", "b", "crash", "d", "e"))
	if ran != 3 {
		t.Fatalf("ran %d, want 3: the jobs after the crash were not run", ran)
	}
	if !errors.Is(got[2].err, ErrWorkerCrashed) {
		t.Fatalf("job 2: %v, want a crash", got[2].err)
	}
	if got[0].err != nil || got[1].err != nil {
		t.Fatalf("jobs before the crash: %v, %v", got[0].err, got[1].err)
	}
	// A new worker takes over.
	if c, _, err := execString(t, p, "next", "x"); err != nil || c != "next" {
		t.Fatalf("exec after crash: %q %v", c, err)
	}
}

func TestExecBatchRestartRequestRunsNoMore(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	ran, got := runBatch(t, p, batchOf("a", "stop", "c"))
	if ran != 1 || got[0].err != nil {
		t.Fatalf("ran %d (%v), want 1: a restart request is no answer", ran, got)
	}
	if c, _, err := execString(t, p, "next", "x"); err != nil || c != "next" {
		t.Fatalf("exec after restart request: %q %v", c, err)
	}
}

func TestExecBatchExecTTLPerJob(t *testing.T) {
	cfg := helperConfig(t, "", 1)
	cfg.Pool.Supervisor.ExecTTL = 400 * time.Millisecond
	p := newPool(t, cfg, nil)
	// 3 × 250 ms: over exec_ttl together, each within it.
	ran, got := runBatch(t, p, batchOf("sleep:250", "sleep:250", "sleep:250"))
	if ran != 3 || got[0].err != nil || got[1].err != nil || got[2].err != nil {
		t.Fatalf("ran %d: %+v; each job has exec_ttl of its own", ran, got)
	}
	ran, got = runBatch(t, p, batchOf("a", "hang", "c"))
	if ran != 2 || got[0].err != nil || !errors.Is(got[1].err, ErrExecTTL) {
		t.Fatalf("ran %d: %+v; want the hung job to hit exec_ttl and the rest not run", ran, got)
	}
}

func TestExecBatchStopsAtMaxJobs(t *testing.T) {
	cfg := helperConfig(t, "", 1)
	cfg.Pool.MaxJobs = 3 // jitter adds 0 below 8
	p := newPool(t, cfg, nil)
	ran, got := runBatch(t, p, batchOf("a", "b", "c", "d", "e"))
	if ran != 3 {
		t.Fatalf("ran %d, want 3 (max_jobs)", ran)
	}
	ran, got2 := runBatch(t, p, batchOf("d", "e"))
	if ran != 2 || got2[0].pid == got[0].pid {
		t.Fatalf("next batch: ran %d on pid %d (was %d); want a new worker", ran, got2[0].pid, got[0].pid)
	}
}

func TestExecBatchBoundsItsWrite(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	pls := batchOf("a", "b", "c", "d", "e")
	for i := range pls {
		pls[i].Body = []byte(strings.Repeat("x", 10<<10))
	}
	ran, _ := runBatch(t, p, pls)
	if ran != 3 {
		t.Fatalf("ran %d of five 10 KiB jobs, want 3 (32 KiB per write)", ran)
	}
	// A first job larger than a batch's write still runs alone.
	big := batchOf("big", "small")
	big[0].Body = []byte(strings.Repeat("y", 100<<10))
	ran, got := runBatch(t, p, big)
	if ran != 1 || got[0].err != nil || len(got[0].body) != 100<<10 {
		t.Fatalf("big first job: ran %d, %d bytes back, %v", ran, len(got[0].body), got[0].err)
	}
}

func TestExecBatchTookLeavesOutTheCallback(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	var took [3]time.Duration
	ran, err := p.ExecBatch(context.Background(), batchOf("sleep:30", "sleep:60", "a"), func(i int, r BatchReply, err error) {
		if err != nil {
			t.Errorf("job %d: %v", i, err)
		}
		took[i] = r.Took
		if i == 0 {
			time.Sleep(40 * time.Millisecond) // a slow ack: job 1 runs meanwhile
		}
	})
	if err != nil || ran != 3 {
		t.Fatalf("ran %d, %v", ran, err)
	}
	if took[0] < 30*time.Millisecond {
		t.Fatalf("job 0 took %v, less than its 30 ms sleep", took[0])
	}
	// Job 1 slept 60 ms, 40 of them while the callback for job 0 ran:
	// what is left is its own, after the callback.
	if took[1] < 15*time.Millisecond || took[1] >= 55*time.Millisecond {
		t.Fatalf("job 1 took %v, want about 20 ms: 60 ms less the 40 ms callback", took[1])
	}
}
