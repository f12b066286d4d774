package tui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
)

// fakeJobs is a Source with the jobs plugin.
type fakeJobs struct {
	*fakeSource
	mu      sync.Mutex
	paused  []string
	resumed []string
}

func (f *fakeJobs) JobsEnabled() bool { return true }

func (f *fakeJobs) Pipelines() []Pipeline {
	return []Pipeline{
		{Name: "emails", Driver: "memory", Consuming: true, Queued: 12, Running: 2, Priority: 10},
		{Name: "reports", Driver: "boltdb", Queued: 3, Delayed: 1, Priority: 5},
	}
}

func (f *fakeJobs) FinishedJobs() []FinishedJob {
	return []FinishedJob{
		{Time: t0.Add(-time.Second), ID: "0b9c6f1e-8a7d-4c1e-9d0b-5a1f2e3d4c5b", Name: "SendMail", Pipeline: "emails", Outcome: "ack", Duration: 12 * time.Millisecond, PID: 4201},
		{Time: t0.Add(-2 * time.Second), ID: "1c9c6f1e-8a7d-4c1e-9d0b-5a1f2e3d4c5b", Name: "Export", Pipeline: "reports", Outcome: "failed", Error: "boom", Duration: 2 * time.Second, PID: 4202},
	}
}

func (f *fakeJobs) PausePipeline(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paused = append(f.paused, name)
	return nil
}

func (f *fakeJobs) ResumePipeline(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resumed = append(f.resumed, name)
	return nil
}

func jobsModel(t *testing.T, w, h int) (Model, *fakeJobs) {
	t.Helper()
	src := &fakeJobs{fakeSource: newFakeSource()}
	m := newModel(src, Options{Now: func() time.Time { return t0 }, NoHyperlink: true}, termenv.Ascii)
	m, _ = step(m, tea.WindowSizeMsg{Width: w, Height: h})
	m = feed(m, src.fakeSource, 20)
	m, _ = step(m, pollMsg{at: t0, stats: sampleStats(t0, 500), pipes: src.Pipelines(), jobs: src.FinishedJobs(), since: m.reqSeq, next: m.reqSeq})
	return m, src
}

func TestGoldenJobs(t *testing.T) {
	m, _ := jobsModel(t, 120, 40)
	v := m.View()
	checkFrame(t, v, 120, 40)
	golden(t, "jobs_full_120x40", v)

	m, _ = jobsModel(t, 80, 24)
	m = press(m, "5")
	v = m.View()
	checkFrame(t, v, 80, 24)
	golden(t, "jobs_narrow_80x24", v)
}

// p in the Jobs pane pauses a consuming pipeline and resumes a paused one,
// through the source, and the help bar says which.
func TestJobsPaneTogglesPipelines(t *testing.T) {
	m, src := jobsModel(t, 120, 40)
	m = press(m, "5")
	if !strings.Contains(m.View(), "p pause pipeline") {
		t.Fatalf("help bar lacks the pause binding:\n%s", m.View())
	}
	m, cmd := step(m, keyMsg("p"))
	if cmd == nil {
		t.Fatal("p started no command")
	}
	m, _ = step(m, cmd())
	m = press(m, "j")
	if !strings.Contains(m.View(), "p resume pipeline") {
		t.Fatalf("help bar lacks the resume binding on a paused pipeline")
	}
	m, cmd = step(m, keyMsg("p"))
	m, _ = step(m, cmd())
	if strings.Join(src.paused, ",") != "emails" || strings.Join(src.resumed, ",") != "reports" {
		t.Fatalf("paused %v resumed %v", src.paused, src.resumed)
	}
	if !strings.Contains(m.View(), "reports: consuming") {
		t.Fatalf("no toast for the resume:\n%s", m.View())
	}
	// tab cycles back from jobs (the last pane) to workers
	m = press(m, "tab")
	if m.focus != paneWorkers {
		t.Fatalf("tab from jobs went to pane %d", m.focus)
	}
}

// Without jobs, tab cycles through three panes and 4 does nothing.
func TestNoJobsPane(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 5)
	m = press(m, "3", "tab")
	if m.focus != paneWorkers {
		t.Fatalf("tab from logs went to pane %d without jobs", m.focus)
	}
	m = press(m, "5")
	if m.focus == paneJobs || strings.Contains(m.View(), "5 Jobs") {
		t.Fatal("jobs pane reachable without jobs")
	}
}
