package jobs_test

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/jobsv1"
	"google.golang.org/protobuf/proto"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The PushRequest body captured from the official PHP client against
// RoadRunner (PROTOCOL-PLUGINS.md 2.4) decodes into our messages.
func TestGoldenPushDecodes(t *testing.T) {
	body := unhex(t, `0a 5b 0a 04 6d 61 69 6c 12 24 66 34 36 35 35 66 35 39 2d
		39 39 31 63 2d 34 38 30 34 2d 62 62 65 36 2d 65 32 38 65 63 62 63 37 31 34 39 37
		1a 0a 7b 22 74 6f 22 3a 22 61 22 7d 22 0f 0a 06 78 2d 6d 6f 64 65 12 05 0a 03 61 63 6b
		22 0a 0a 02 68 31 12 04 0a 02 76 31 2a 04 12 02 70 31`)
	var req jobsv1.PushRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		t.Fatal(err)
	}
	j := req.GetJob()
	if j.GetJob() != "mail" || j.GetId() != "f4655f59-991c-4804-bbe6-e28ecbc71497" || string(j.GetPayload()) != `{"to":"a"}` ||
		j.GetHeaders()["x-mode"].GetValue()[0] != "ack" || j.GetHeaders()["h1"].GetValue()[0] != "v1" || j.GetOptions().GetPipeline() != "p1" {
		t.Fatalf("decoded %v", j)
	}
	opts := unhex(t, `0a 3b 0a 04 73 6c 6f 77 12 24`+hex.EncodeToString([]byte("f4655f59-991c-4804-bbe6-e28ecbc71497"))+
		`1a 01 78 2a 0a 08 03 12 02 70 32 18 05 30 01`)
	var j2 jobsv1.PushRequest
	if err := proto.Unmarshal(opts, &j2); err != nil {
		t.Fatal(err)
	}
	if o := j2.GetJob().GetOptions(); o.GetPriority() != 3 || o.GetPipeline() != "p2" || o.GetDelay() != 5 || !o.GetAutoAck() {
		t.Fatalf("options %v", o)
	}
}

// A Stat reply encodes to the bytes RoadRunner sends for the same state.
func TestGoldenStatEncodes(t *testing.T) {
	st := &jobsv1.Stats{Stats: []*jobsv1.Stat{{Pipeline: "p2", Driver: "memory", Queue: "p2", Delayed: 1, Ready: true, Priority: 10}}}
	got, err := proto.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(t, `0a 16 0a 02 70 32 12 06 6d 65 6d 6f 72 79 1a 02 70 32 28 01 38 01 40 0a`)
	if hex.EncodeToString(got) != hex.EncodeToString(want) {
		t.Fatalf("Stat = % x\nwant   % x", got, want)
	}
}

func TestServiceOverRealWorkers(t *testing.T) {
	h := start(t, memCfg([]string{"p1", "dyn"}, "p1", "idle"), 1)
	svc := h.p.Service()
	e := &jobsv1.Empty{}

	err := svc.Push(&jobsv1.PushRequest{Job: &jobsv1.Job{Job: "x", Id: "1", Options: &jobsv1.Options{Pipeline: "nope"}}}, e)
	if err == nil || !strings.Contains(err.Error(), "no such pipeline, requested: nope") {
		t.Fatalf("push to unknown pipeline: %v", err)
	}
	if err := svc.Push(&jobsv1.PushRequest{Job: &jobsv1.Job{Job: "x", Options: &jobsv1.Options{Pipeline: "p1"}}}, e); err == nil {
		t.Fatal("push without id succeeded")
	}
	batch := &jobsv1.PushBatchRequest{}
	for _, id := range []string{"b1", "b2", "b3"} {
		batch.Jobs = append(batch.Jobs, &jobsv1.Job{Job: "x", Id: id, Payload: []byte("x"), Options: &jobsv1.Options{Pipeline: "p1"}})
	}
	if err := svc.PushBatch(batch, e); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		h.finished(10e9)
	}

	// idle is configured but not consumed: pause fails as in RoadRunner,
	// resume starts it.
	if err := svc.Pause(&jobsv1.Pipelines{Pipelines: []string{"idle"}}, e); !errors.Is(err, jobs.ErrNotConsuming) {
		t.Fatalf("pause of a never-started pipeline: %v", err)
	}
	if err := svc.Push(&jobsv1.PushRequest{Job: &jobsv1.Job{Job: "x", Id: "i1", Options: &jobsv1.Options{Pipeline: "idle"}}}, e); err != nil {
		t.Fatal(err)
	}
	if err := svc.Resume(&jobsv1.Pipelines{Pipelines: []string{"idle"}}, e); err != nil {
		t.Fatal(err)
	}
	if f := h.finished(10e9); f.ID != "i1" {
		t.Fatalf("after resume: %+v", f)
	}

	// Declare: "dyn" is in consume, so it consumes at once; "dyn2" waits.
	for _, name := range []string{"dyn", "dyn2"} {
		if err := svc.Declare(&jobsv1.DeclareRequest{Pipeline: map[string]string{"name": name, "driver": "memory", "priority": "3", "prefetch": "7"}}, e); err != nil {
			t.Fatal(err)
		}
	}
	err = svc.Declare(&jobsv1.DeclareRequest{Pipeline: map[string]string{"name": "dyn", "driver": "memory"}}, e)
	if err == nil || !strings.Contains(err.Error(), "pipeline already exists, name: dyn, driver: memory") {
		t.Fatalf("duplicate declare: %v", err)
	}
	if err := svc.Declare(&jobsv1.DeclareRequest{Pipeline: map[string]string{"name": "bad", "driver": "kafka"}}, e); err == nil {
		t.Fatal("declare with an unknown driver succeeded")
	}
	var stats jobsv1.Stats
	if err := svc.Stat(e, &stats); err != nil {
		t.Fatal(err)
	}
	ready := map[string]bool{}
	for _, s := range stats.GetStats() {
		ready[s.GetPipeline()] = s.GetReady()
		if s.GetPipeline() == "dyn" && (s.GetPriority() != 3 || s.GetDriver() != "memory" || s.GetQueue() != "dyn") {
			t.Fatalf("stat of dyn: %v", s)
		}
	}
	if !ready["dyn"] || ready["dyn2"] || !ready["p1"] || len(ready) != 4 {
		t.Fatalf("ready per pipeline %v, want dyn and p1 consuming, dyn2 paused", ready)
	}
	var list jobsv1.Pipelines
	if err := svc.List(e, &list); err != nil || strings.Join(list.GetPipelines(), ",") != "dyn,dyn2,idle,p1" {
		t.Fatalf("list %v, %v", list.GetPipelines(), err)
	}
	var destroyed jobsv1.Pipelines
	err = svc.Destroy(&jobsv1.Pipelines{Pipelines: []string{"dyn2", "nope"}}, &destroyed)
	if err == nil || strings.Join(destroyed.GetPipelines(), ",") != "dyn2" {
		t.Fatalf("destroy: %v, %v", destroyed.GetPipelines(), err)
	}
}
