package tui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/phprun/phprun/engine"
)

// svcSource is a fakeSource that also supervises services.
type svcSource struct {
	*fakeSource
	smu  sync.Mutex
	svcs []ServiceInfo
	cmds []string // "restart vite", … in the order received
}

func (s *svcSource) Services() []ServiceInfo { return s.svcs }

func (s *svcSource) ServiceCommand(name string, cmd ServiceCmd) error {
	s.smu.Lock()
	defer s.smu.Unlock()
	s.cmds = append(s.cmds, string(cmd)+" "+name)
	return nil
}

func sampleServices(now time.Time) []ServiceInfo {
	return []ServiceInfo{
		{Name: "queue", State: "running", Running: true, PID: 5201, Restarts: 0, Started: now.Add(-4 * time.Minute),
			CPU: 2, RSS: 18 << 20, LastLine: "[mail] processed job 812", LogName: "service:queue"},
		{Name: "scheduler", State: "backoff", Restarts: 4, Next: now.Add(8 * time.Second), Exit: "exit status 1",
			LastLine: "PHP Fatal error:  Class \"Cron\" not found", LogName: "service:scheduler"},
		{Name: "vite", State: "running", Running: true, PID: 5199, Restarts: 1, Started: now.Add(-90 * time.Second),
			CPU: 11, RSS: 96 << 20, LastLine: "  ➜  Local:   http://localhost:5173/", LogName: "service:vite"},
	}
}

func svcModel(t *testing.T, w, h int) (Model, *svcSource) {
	t.Helper()
	src := &svcSource{fakeSource: newFakeSource(), svcs: sampleServices(t0)}
	m := newModel(src, Options{Now: func() time.Time { return t0 }, NoHyperlink: true}, termenv.Ascii)
	m, _ = step(m, keyMsg("x")) // no size yet: ignored
	m, _ = step(m, sizeMsg(w, h))
	m = feed(m, src.fakeSource, 30)
	m, _ = step(m, pollMsg{at: t0, stats: sampleStats(t0, 500), svcs: src.svcs, hasSvcs: true, since: m.reqSeq, next: m.reqSeq})
	m, _ = step(m, eventsMsg{events: []engine.Event{
		{Time: t0, Kind: engine.EventWorkerOutput, Pool: "service:vite", PID: 5199, Message: "vite v5.2 ready in 312 ms"},
		{Time: t0, Kind: engine.EventWorkerOutput, Pool: "service:queue", PID: 5201, Message: "[mail] processed job 812"},
	}})
	return m, src
}

func TestGoldenServices(t *testing.T) {
	m, _ := svcModel(t, 80, 24)
	m = press(m, "4")
	v := m.View()
	checkFrame(t, v, 80, 24)
	golden(t, "narrow_80x24_services", v)

	m, _ = svcModel(t, 120, 40)
	v = m.View()
	checkFrame(t, v, 120, 40)
	golden(t, "full_120x40_services", v)
}

func TestServiceKeys(t *testing.T) {
	m, src := svcModel(t, 80, 24)
	m = press(m, "4")
	if m.focus != paneServices {
		t.Fatalf("4 did not focus the services pane (focus %d)", m.focus)
	}
	run := func(k string) {
		t.Helper()
		var cmd func() any
		nm, c := step(m, keyMsg(k))
		m = nm
		if c == nil {
			t.Fatalf("%s started no command", k)
		}
		cmd = func() any { return c() }
		m, _ = step(m, cmd().(serviceDoneMsg))
	}
	run("r") // queue is selected first
	m = press(m, "j", "j")
	run("s") // vite runs: stop
	m = press(m, "k")
	run("s") // scheduler backs off: stop too
	src.svcs[0].State, src.svcs[0].Running = "stopped", false
	m, _ = step(m, pollMsg{at: t0, stats: sampleStats(t0, 500), svcs: src.svcs, hasSvcs: true, since: m.reqSeq, next: m.reqSeq})
	m = press(m, "k")
	if h := m.keys.SvcToggle.Help(); h.Desc != "start service" {
		t.Fatalf("s is %q for a stopped service, want start service", h.Desc)
	}
	run("s") // queue is stopped: start
	if got := strings.Join(src.cmds, ","); got != "restart queue,stop vite,stop scheduler,start queue" {
		t.Fatalf("commands %s", got)
	}
	if !strings.Contains(m.footer(), "start queue: done") {
		t.Fatalf("footer %q", m.footer())
	}

	m = press(m, "j", "j", "l")
	if m.focus != paneLogs || m.logs.filter.raw != "service:vite" {
		t.Fatalf("l: focus %d filter %q", m.focus, m.logs.filter.raw)
	}
	v := m.View()
	if !strings.Contains(v, "vite v5.2 ready") || strings.Contains(v, "processed job 812") || strings.Contains(v, "upload chunk") {
		t.Fatalf("logs not filtered to vite:\n%s", v)
	}
}

func TestNoServicesPaneWithoutServiceSource(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 80, 24), src, 10)
	m = press(m, "4")
	if m.focus == paneServices || strings.Contains(m.View(), "Services") {
		t.Fatal("a Source without services shows a services pane")
	}
	m = press(m, "3", "tab")
	if m.focus != paneWorkers {
		t.Fatalf("tab from logs went to pane %d, want workers", m.focus)
	}
}

func sizeMsg(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }
