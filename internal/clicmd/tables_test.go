package clicmd

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/phprun/phprun/jobs/jobsv1"
	"github.com/phprun/phprun/service"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs (run with -update to accept)\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

// TestPipelinesTable pins `phprun jobs list`'s table byte for byte.
func TestPipelinesTable(t *testing.T) {
	stats := []*jobsv1.Stat{
		{Pipeline: "emails", Driver: "memory", Queue: "emails", Ready: true, Active: 12, Delayed: 3, Reserved: 1, Priority: 10},
		{Pipeline: "reports-long-name", Driver: "amqp", Queue: "reports", Ready: false, Active: 1234567, Priority: 1},
	}
	var out bytes.Buffer
	if err := renderPipelines(&out, stats); err != nil {
		t.Fatal(err)
	}
	golden(t, "pipelines.golden", out.Bytes())
	out.Reset()
	if err := renderPipelines(&out, nil); err != nil {
		t.Fatal(err)
	}
	if out.String() != "no pipelines\n" {
		t.Errorf("empty: %q", out.String())
	}
}

// TestServicesTable pins `phprun services list`'s table byte for byte.
func TestServicesTable(t *testing.T) {
	now := time.Date(2026, 11, 21, 20, 3, 30, 0, time.UTC)
	sts := []service.Status{
		{Service: "queue", State: service.StateRunning, PID: 4242, Started: now.Add(-192 * time.Second), Restarts: 1, RSS: 27_400_000, CPU: 1.25, LastLine: "processed job 17\n"},
		{Service: "vite", Index: 1, State: service.StateBackoff, Next: now.Add(8 * time.Second), Restarts: 5, LastLine: "error: port 5173 is already in use, and this line is longer than forty runes"},
		{Service: "cron", State: service.StateExited, Exit: "exit status 1"},
	}
	var out bytes.Buffer
	if err := renderServices(&out, sts, now); err != nil {
		t.Fatal(err)
	}
	golden(t, "services.golden", out.Bytes())
}
