package jobs_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/phprun/phprun/jobs"
)

// backlog pushes n jobs named name into a paused pipeline, then starts
// it, so the workers find a queue and batches form.
func backlog(t *testing.T, h *harness, pipeline, name string, n int, payload func(i int) string) {
	t.Helper()
	for i := range n {
		h.push(&jobs.Job{ID: fmt.Sprintf("j%04d", i), Name: name, Pipeline: pipeline, Payload: []byte(payload(i))})
	}
	if err := h.p.Resume(context.Background(), pipeline); err != nil {
		t.Fatal(err)
	}
}

// drain collects finished jobs until want distinct ids are acked; it
// returns the acks and the failures by id.
func drain(t *testing.T, h *harness, want int) (acks, failed map[string]int) {
	t.Helper()
	acks, failed = map[string]int{}, map[string]int{}
	for len(acks) < want {
		f := h.finished(20 * time.Second)
		switch f.Outcome {
		case jobs.OutcomeAck:
			acks[f.ID]++
		case jobs.OutcomeFailed:
			failed[f.ID]++
		}
	}
	return acks, failed
}

func TestBatchesRunEveryJobOnce(t *testing.T) {
	h := start(t, memCfg(nil, "q"), 2)
	const n = 900
	backlog(t, h, "q", "Bench", n, func(int) string { return "x" })
	acks, _ := drain(t, h, n)
	for id, c := range acks {
		if c != 1 {
			t.Fatalf("job %s acked %d times", id, c)
		}
	}
	if got := h.p.Batched(); got == 0 {
		t.Fatalf("no job ran in a batch with %d short jobs waiting", n)
	}
	if st := h.pool.Stats(); st.Workers[0].NumExecs+st.Workers[1].NumExecs != n {
		t.Fatalf("workers counted %d execs, want %d", st.Workers[0].NumExecs+st.Workers[1].NumExecs, n)
	}
}

func TestBatchWithCrashLosesNothing(t *testing.T) {
	h := start(t, memCfg(nil, "q"), 2)
	mark := filepath.Join(t.TempDir(), "crashed")
	// Short jobs first, so the pool's time per job is known and batches
	// form, with one job that kills its worker in the middle.
	const n = 600
	for i := range n {
		name, payload := "Bench", "x"
		if i == 400 {
			name, payload = "crash-once", mark
		}
		h.push(&jobs.Job{ID: fmt.Sprintf("j%04d", i), Name: name, Pipeline: "q", Payload: []byte(payload)})
	}
	if err := h.p.Resume(context.Background(), "q"); err != nil {
		t.Fatal(err)
	}
	acks, failed := drain(t, h, n)
	for id, c := range acks {
		if c != 1 {
			t.Fatalf("job %s acked %d times", id, c)
		}
	}
	if len(failed) != 1 || failed["j0400"] != 1 {
		t.Fatalf("failures %v, want the one crash of j0400", failed)
	}
	if h.p.Batched() == 0 {
		t.Fatal("no batch formed: the test did not test batches")
	}
}

func TestBatchOneRunsJobsAlone(t *testing.T) {
	cfg := memCfg(nil, "q")
	cfg.Batch = 1
	h := start(t, cfg, 2)
	backlog(t, h, "q", "Bench", 300, func(int) string { return "x" })
	_, _ = drain(t, h, 300)
	if got := h.p.Batched(); got != 0 {
		t.Fatalf("%d jobs ran in batches with jobs.batch 1", got)
	}
}
