package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/access"
)

// runCmd executes a command the way bubbletea would and feeds its message
// back, returning the model and the follow-up command.
func runCmd(t *testing.T, m Model, cmd tea.Cmd) (Model, tea.Cmd) {
	t.Helper()
	if cmd == nil {
		t.Fatal("expected a command")
	}
	return step(m, cmd())
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func TestFocusKeys(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 10)
	if m.focus != paneRequests {
		t.Fatalf("initial focus = %d, want requests", m.focus)
	}
	for _, tc := range []struct {
		key  string
		want pane
	}{{"tab", paneLogs}, {"tab", paneWorkers}, {"shift+tab", paneLogs}, {"1", paneWorkers}, {"2", paneRequests}, {"3", paneLogs}} {
		m = press(m, tc.key)
		if m.focus != tc.want {
			t.Fatalf("after %q focus = %d, want %d", tc.key, m.focus, tc.want)
		}
	}
}

func TestResetSelectedWorker(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 10)
	m = press(m, "1", "j") // second worker
	m, cmd := step(m, keyMsg("r"))
	if !strings.Contains(m.View(), "resetting worker 4102") {
		t.Fatalf("no pending toast:\n%s", m.View())
	}
	m, _ = runCmd(t, m, cmd)
	if fmt.Sprint(src.resets) != "[4102]" {
		t.Fatalf("resets = %v", src.resets)
	}
	if !strings.Contains(m.View(), "reset worker 4102: done") {
		t.Fatalf("no result toast:\n%s", m.View())
	}
	// the toast expires with the clock
	m, _ = step(m, pollMsg{at: t0.Add(toastFor + time.Second), stats: sampleStats(t0, 500)})
	if strings.Contains(m.View(), "reset worker 4102") {
		t.Fatal("toast did not expire")
	}

	// errors are reported, and r does nothing outside the workers pane
	src.resetErr = errFake
	m, cmd = step(press(m, "1"), keyMsg("r"))
	m, _ = runCmd(t, m, cmd)
	if !strings.Contains(m.View(), "reset worker 4102 failed: fake: worker not found") {
		t.Fatalf("no error toast:\n%s", m.View())
	}
	if _, cmd = step(press(m, "2"), keyMsg("r")); cmd != nil {
		t.Fatal("r in the requests pane started a command")
	}
}

func TestResetAllConfirm(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 10)
	m = press(m, "R")
	if !strings.Contains(m.View(), "Reset all workers") {
		t.Fatalf("no confirmation prompt:\n%s", m.View())
	}
	m, cmd := step(m, keyMsg("n"))
	if cmd != nil || m.mode != modeNormal {
		t.Fatal("n did not cancel")
	}
	m, cmd = step(press(m, "R"), keyMsg("x")) // other keys are ignored while asking
	if cmd != nil || m.mode != modeConfirm {
		t.Fatal("the prompt did not stay")
	}
	m, cmd = step(m, keyMsg("y"))
	m, _ = runCmd(t, m, cmd)
	if src.resetAll != 1 {
		t.Fatalf("ResetAll called %d times", src.resetAll)
	}
	if !strings.Contains(m.View(), "reset all workers: done") {
		t.Fatalf("no result:\n%s", m.View())
	}
}

func TestFilterRequests(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 40)
	m = press(m, "/", "5", "x", "x")
	if m.mode != modeFilter {
		t.Fatal("not typing a filter")
	}
	if !strings.Contains(m.View(), "/5xx") {
		t.Fatalf("prompt does not show the filter:\n%s", m.View())
	}
	for _, i := range m.requests.shown {
		if s := m.requests.items[i].Status; s < 500 {
			t.Fatalf("status %d passed the 5xx filter", s)
		}
	}
	want := 0
	for _, r := range sampleRecords(t0, 40) {
		if r.Status >= 500 {
			want++
		}
	}
	if len(m.requests.shown) != want {
		t.Fatalf("%d rows shown, want %d", len(m.requests.shown), want)
	}
	m = press(m, "enter")
	if m.mode != modeNormal || !strings.Contains(m.View(), fmt.Sprintf("%d/40  filter: 5xx", want)) {
		t.Fatalf("filter not kept after enter:\n%s", m.View())
	}
	// q typed into a filter is text, not quit
	m, cmd := step(press(m, "/", "space"), keyMsg("q"))
	if cmd != nil || m.draining {
		t.Fatal("q quit while typing a filter")
	}
	m = press(m, "esc")
	if len(m.requests.shown) != 40 || m.mode != modeNormal {
		t.Fatalf("esc did not clear the filter: %d shown", len(m.requests.shown))
	}
}

func TestFilterLogsByPID(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 5)
	m = press(m, "3", "/", "p", "i", "d", ":", "4", "1", "0", "3", "enter")
	if len(m.logs.shown) != 3 {
		t.Fatalf("pid filter shows %d lines, want 3", len(m.logs.shown))
	}
}

func TestPauseHoldsRows(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 10)
	m = press(m, "p")
	recs := sampleRecords(t0.Add(time.Second), 5)
	m, _ = step(m, pollMsg{at: t0.Add(time.Second), stats: sampleStats(t0, 600), recs: recs, next: 15})
	// the sample events make 11 rows (one per event; the reload names no paths)
	m, _ = step(m, eventsMsg{events: []engine.Event{{Time: t0, Kind: engine.EventWorkerOutput, PID: 1, Message: "held"}}})
	if len(m.requests.items) != 10 || len(m.logs.items) != 11 {
		t.Fatalf("paused panes grew: %d requests, %d logs", len(m.requests.items), len(m.logs.items))
	}
	if !strings.Contains(m.View(), "paused (+5)") {
		t.Fatalf("no paused marker:\n%s", m.View())
	}
	m = press(m, "p")
	if len(m.requests.items) != 15 || len(m.logs.items) != 12 {
		t.Fatalf("resume lost rows: %d requests, %d logs", len(m.requests.items), len(m.logs.items))
	}
}

func TestScrollAndFollow(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 40)
	l := &m.requests.list
	if !l.follow || l.sel != 39 {
		t.Fatalf("not following the newest: sel %d follow %v", l.sel, l.follow)
	}
	m = press(m, "k", "k")
	if l := m.requests.list; l.follow || l.sel != 37 {
		t.Fatalf("k: sel %d follow %v", l.sel, l.follow)
	}
	// new rows arrive: the selection stays on the same record
	more := sampleRecords(t0.Add(10*time.Second), 3)
	m, _ = step(m, pollMsg{at: t0, stats: sampleStats(t0, 700), recs: more, next: 43})
	if l := m.requests.list; l.sel != 37 {
		t.Fatalf("selection moved with new rows: %d", l.sel)
	}
	m = press(m, "g")
	if l := m.requests.list; l.sel != 0 || l.top != 0 {
		t.Fatalf("g: sel %d top %d", l.sel, l.top)
	}
	m = press(m, "pgdown")
	if l := m.requests.list; l.sel != l.height-1 {
		t.Fatalf("pgdown: sel %d, height %d", l.sel, l.height)
	}
	m = press(m, "G")
	if l := m.requests.list; !l.follow || l.sel != 42 {
		t.Fatalf("G: sel %d follow %v", l.sel, l.follow)
	}
	if !strings.Contains(m.View(), "› 14:30:") {
		t.Fatalf("selected row not visible:\n%s", m.View())
	}
}

func TestStoreTrimKeepsSelection(t *testing.T) {
	s := newStore[int](8)
	s.list.height = 4
	for i := range 8 {
		s.add(i)
	}
	s.list.move(-2, len(s.shown)) // on item 5
	s.add(8, 9, 10)               // 11 > 8: drops 3+2 = 5 oldest
	if got, _ := s.selected(); got != 5 {
		t.Fatalf("selected %d after trim, want 5 (items %v)", got, s.items)
	}
	if len(s.items) > 8 {
		t.Fatalf("kept %d items", len(s.items))
	}
}

func TestDetailOfRequestAndLog(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 10)
	m = press(m, "2", "enter")
	v := m.View()
	if !strings.Contains(v, "Request GET /login") || !strings.Contains(v, "queue wait") {
		t.Fatalf("request detail:\n%s", v)
	}
	m = press(m, "enter")
	if m.detail.kind != detailNone {
		t.Fatal("enter did not close the detail")
	}
	m = press(m, "3", "enter")
	if !strings.Contains(m.View(), "upload chunk 3 received") || m.detail.kind != detailLog {
		t.Fatalf("log detail:\n%s", m.View())
	}
	// a worker's detail follows it until it exits
	m = press(m, "esc", "1", "enter")
	m, _ = step(m, pollMsg{at: t0, stats: []engine.Stats{{Pool: "http"}}})
	if !strings.Contains(m.View(), "exited (last seen: ready)") {
		t.Fatalf("gone worker:\n%s", m.View())
	}
}

func TestReloadSummaryAndBanner(t *testing.T) {
	src := newFakeSource()
	m := testModel(t, src, 120, 40)
	ev := func(e ...engine.Event) { m, _ = step(m, eventsMsg{events: e}) }
	ev(engine.Event{Time: t0, Kind: engine.EventReloadStarted, Pool: "http", Reason: "3 files changed"})
	if !strings.Contains(m.View(), "3 files changed → reloading") {
		t.Fatalf("no running reload:\n%s", m.View())
	}
	ev(engine.Event{Time: t0, Kind: engine.EventReloadFailed, Pool: "http", Reason: "3 files changed", Message: "PHP Parse error: boom in a.php"})
	if v := m.View(); !strings.Contains(v, "boot error") || !strings.Contains(v, "PHP Parse error: boom") {
		t.Fatalf("no banner:\n%s", v)
	}
	// unrelated events and later stats keep the banner
	ev(engine.Event{Time: t0, Kind: engine.EventWorkerOutput, PID: 7, Message: "x"})
	m, _ = step(m, pollMsg{at: t0, stats: sampleStats(t0, 1)})
	if !strings.Contains(m.View(), "PHP Parse error: boom") {
		t.Fatal("banner vanished before a successful reload")
	}
	ev(engine.Event{Time: t0, Kind: engine.EventReloadStarted, Pool: "http", Reason: "1 file changed: src/a.php"},
		engine.Event{Time: t0, Kind: engine.EventReloadDone, Pool: "http", Reason: "1 file changed: src/a.php", Count: 4, Duration: 120 * time.Millisecond})
	v := m.View()
	if strings.Contains(v, "boot error") {
		t.Fatalf("banner stayed after a successful reload:\n%s", v)
	}
	if !strings.Contains(v, "1 file changed: src/a.php → 4 workers reloaded in 120 ms") {
		t.Fatalf("no reload summary:\n%s", v)
	}
	// the same reason again for the same pool is a new reload, not a sum
	ev(engine.Event{Time: t0, Kind: engine.EventReloadStarted, Pool: "http", Reason: "1 file changed: src/a.php"},
		engine.Event{Time: t0, Kind: engine.EventReloadDone, Pool: "http", Reason: "1 file changed: src/a.php", Count: 4, Duration: 2 * time.Second})
	if !strings.Contains(m.View(), "1 file changed: src/a.php → 4 workers reloaded in 2.0 s") {
		t.Fatalf("second reload:\n%s", m.View())
	}
	// one reload shows once, with the reason the engine's own event
	// carries: one log row per pool started and done, and the pools'
	// workers and durations added up in the header
	later := t0.Add(time.Minute)
	rows := len(m.logs.items)
	ev(engine.Event{Time: later, Kind: engine.EventReloadStarted, Pool: "http", Generation: 5, Reason: "key R"},
		engine.Event{Time: later.Add(time.Second), Kind: engine.EventReloadDone, Pool: "http", Reason: "key R", Count: 4, Duration: time.Second},
		engine.Event{Time: later.Add(time.Second), Kind: engine.EventReloadStarted, Pool: "jobs", Generation: 3, Reason: "key R"},
		engine.Event{Time: later.Add(2 * time.Second), Kind: engine.EventReloadDone, Pool: "jobs", Reason: "key R", Count: 2, Duration: time.Second})
	if !strings.Contains(m.View(), "key R → 6 workers reloaded in 2.0 s") {
		t.Fatalf("reload over two pools:\n%s", m.View())
	}
	var got []string
	for _, l := range m.logs.items[rows:] {
		got = append(got, l.source+" "+l.text)
	}
	want := []string{"http reload started: key R", "http reload done: 4 workers in 1.0 s", "jobs reload started: key R", "jobs reload done: 2 workers in 1.0 s"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("log rows %q, want %q", got, want)
	}
	// a reload without a reason is just "reload"
	ev(engine.Event{Time: later.Add(time.Minute), Kind: engine.EventReloadStarted},
		engine.Event{Time: later.Add(time.Minute), Kind: engine.EventReloadDone, Count: 4, Duration: time.Millisecond})
	if !strings.Contains(m.View(), "reload → 4 workers reloaded in 1 ms") {
		t.Fatalf("anonymous reload:\n%s", m.View())
	}
	// a crash loop reported by the pool shows as a banner too
	st := sampleStats(t0, 1)
	st[0].BootError = "Could not open input file: worker.php"
	m, _ = step(m, pollMsg{at: t0, stats: st})
	if !strings.Contains(m.View(), "Could not open input file") {
		t.Fatal("no banner for Stats.BootError")
	}
}

func TestQuitDrainsThenQuits(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 3)
	m, cmd := step(m, keyMsg("q"))
	if !m.draining || !strings.Contains(m.View(), "draining") {
		t.Fatal("q did not start draining")
	}
	if _, again := step(m, keyMsg("q")); again != nil {
		t.Fatal("a second q did something")
	}
	m, cmd = runCmd(t, m, cmd)
	if src.drains != 1 || !isQuit(cmd) || m.forced || m.drainErr != nil {
		t.Fatalf("drains=%d quit=%v forced=%v err=%v", src.drains, isQuit(cmd), m.forced, m.drainErr)
	}

	src = newFakeSource()
	src.drainErr = errors.New("fake: drain timeout")
	m = testModel(t, src, 120, 40)
	m, cmd = step(m, keyMsg("ctrl+c"))
	m, _ = runCmd(t, m, cmd)
	if !errors.Is(m.drainErr, src.drainErr) {
		t.Fatalf("drain error lost: %v", m.drainErr)
	}
}

func TestSecondCtrlCForces(t *testing.T) {
	src := newFakeSource()
	m := testModel(t, src, 120, 40)
	m, _ = step(m, keyMsg("ctrl+c")) // the drain command is left running
	m, cmd := step(m, keyMsg("ctrl+c"))
	if !m.forced || !isQuit(cmd) {
		t.Fatalf("forced=%v quit=%v", m.forced, isQuit(cmd))
	}
}

func TestWaitEventsBatches(t *testing.T) {
	ch := make(chan engine.Event, eventBatchMax+10)
	for i := range eventBatchMax + 5 {
		ch <- engine.Event{Kind: engine.EventWorkerOutput, PID: i}
	}
	msg := waitEvents(ch, nil, 0)().(eventsMsg)
	if len(msg.events) != eventBatchMax || msg.closed {
		t.Fatalf("first batch: %d events, closed %v", len(msg.events), msg.closed)
	}
	close(ch)
	msg = waitEvents(ch, nil, 0)().(eventsMsg)
	if len(msg.events) != 5 || !msg.closed {
		t.Fatalf("last batch: %d events, closed %v", len(msg.events), msg.closed)
	}
	if msg := waitEvents(ch, nil, 0)().(eventsMsg); len(msg.events) != 0 || !msg.closed {
		t.Fatal("closed channel not reported")
	}
	if waitEvents(nil, nil, 0) != nil {
		t.Fatal("nil channel armed a command")
	}
}

func TestEventsRearmWithGap(t *testing.T) {
	src := newFakeSource()
	m := testModel(t, src, 120, 40)
	src.events <- engine.Event{Kind: engine.EventWorkerOutput, Message: "one"}
	_, cmd := step(m, eventsMsg{events: []engine.Event{{Kind: engine.EventWorkerOutput, Message: "zero"}}})
	start := time.Now()
	msg := cmd().(eventsMsg)
	if d := time.Since(start); d < eventGap {
		t.Fatalf("next batch came after %v, want at least %v", d, eventGap)
	}
	if len(msg.events) != 1 || msg.events[0].Message != "one" {
		t.Fatalf("batch %+v", msg)
	}
	if _, cmd := step(m, eventsMsg{closed: true}); cmd != nil {
		t.Fatal("re-armed after the channel closed")
	}
}

func TestPollCommandReadsSource(t *testing.T) {
	src := newFakeSource()
	src.stats = sampleStats(t0, 42)
	for _, r := range sampleRecords(t0, 3) {
		src.ring.Add(&r)
	}
	m := testModel(t, src, 120, 40)
	msg := m.pollCmd(0)().(pollMsg)
	if len(msg.recs) != 3 || msg.next != 3 || msg.stats[0].Execs != 42 || !msg.at.Equal(t0) {
		t.Fatalf("poll: %d recs next %d", len(msg.recs), msg.next)
	}
	m, next := step(m, msg)
	if next == nil || m.reqSeq != 3 {
		t.Fatalf("poll not re-armed or sequence not kept: %d", m.reqSeq)
	}
	if again := m.pollCmd(0)().(pollMsg); len(again.recs) != 0 {
		t.Fatalf("records read twice: %d", len(again.recs))
	}
}

// TestEveryViewFits renders many sizes and modes and checks that no line
// is wider than the terminal and that the line count matches its height.
func TestEveryViewFits(t *testing.T) {
	src := newFakeSource()
	base := feed(testModel(t, src, 120, 40), src, 60)
	base, _ = step(base, eventsMsg{events: []engine.Event{{Time: t0, Kind: engine.EventReloadFailed,
		Message: strings.Repeat("very long parse error line ", 20) + "\n2\n3\n4\n5\n6\n7\n8\n9"}}})
	for _, keys := range [][]string{nil, {"1"}, {"3"}, {"?"}, {"1", "enter"}, {"R"}, {"/", "x"}} {
		for w := 40; w <= 220; w += 15 {
			for h := 10; h <= 60; h += 9 {
				m, _ := step(base, tea.WindowSizeMsg{Width: w, Height: h})
				m = press(m, keys...)
				checkFrame(t, m.View(), w, h)
			}
		}
	}
}

func TestNoColor(t *testing.T) {
	src := newFakeSource()
	color := feed(newModel(src, Options{Now: func() time.Time { return t0 }}, termenv.ANSI256), newFakeSource(), 20)
	color, _ = step(color, tea.WindowSizeMsg{Width: 120, Height: 40})
	if !strings.Contains(color.View(), "\x1b[3") {
		t.Fatal("colour profile rendered no colours")
	}
	if !strings.Contains(color.View(), "\x1b]8;;http://127.0.0.1:8080") {
		t.Fatal("no OSC 8 hyperlink for the address")
	}
	checkFrame(t, color.View(), 120, 40) // escape sequences take no width

	t.Setenv("NO_COLOR", "1")
	m := New(src, Options{Now: func() time.Time { return t0 }, NoHyperlink: true})
	m, _ = step(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = feed(m, src, 20)
	if v := m.View(); strings.Contains(v, "\x1b") {
		t.Fatalf("NO_COLOR view has escape sequences: %q", v)
	}
	m = press(m, "1")
	if !strings.Contains(m.View(), "›    4101") {
		t.Fatal("selection not marked without colours")
	}
}

func TestWorkerElapsedColours(t *testing.T) {
	src := newFakeSource()
	m := feed(newModel(src, Options{Now: func() time.Time { return t0 }, NoHyperlink: true}, termenv.ANSI), newFakeSource(), 0)
	m, _ = step(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	v := m.View()
	yellow, red := m.st.warn.Render("  1.50s"), m.st.bad.Render("  3.00s") // right-aligned in ELAPSED
	if !strings.Contains(v, yellow) || !strings.Contains(v, red) {
		t.Fatalf("slow requests not coloured (want %q and %q):\n%q", yellow, red, v)
	}
	if strings.Contains(v, m.st.warn.Render("   40ms")) || strings.Contains(v, m.st.bad.Render("   40ms")) {
		t.Fatal("a fast request is coloured as slow")
	}
}

func TestRSSTrend(t *testing.T) {
	var h rssHistory
	for i := range 30 {
		h.add(uint64(100<<20 + i*(1<<20)))
	}
	if h.trend() != 1 {
		t.Fatal("growing RSS not ↑")
	}
	for range rssSamples {
		h.add(50 << 20)
	}
	if h.trend() != 0 {
		t.Fatal("flat RSS has a trend")
	}
	h.add(10 << 20)
	if h.trend() != -1 {
		t.Fatal("shrinking RSS not ↓")
	}
}

func TestRunesTogetherAreSeparateKeys(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 40)
	m, cmd := step(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("1jr")})
	if m.focus != paneWorkers || cmd == nil {
		t.Fatalf("focus %d, cmd %v", m.focus, cmd)
	}
	// tea.Batch of one command returns it as is
	if msg, ok := cmd().(resetDoneMsg); !ok || msg.pid != 4102 {
		t.Fatalf("msg %#v", msg)
	}
	m, _ = step(press(m, "2"), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/404")})
	if m.mode != modeFilter || m.requests.filter.raw != "404" {
		t.Fatalf("mode %d filter %q", m.mode, m.requests.filter.raw)
	}
}

// droppingSource reports dropped events like an engine.Subscription.
type droppingSource struct{ *fakeSource }

func (droppingSource) EventsDropped() uint64 { return 7 }

func TestSkippedAndDroppedAreShown(t *testing.T) {
	src := newFakeSource()
	src.ring = access.NewRing(4)
	m := testModel(t, src, 120, 40)
	for _, r := range sampleRecords(t0, 10) { // before the first poll: not counted
		src.ring.Add(&r)
	}
	m, _ = step(m, m.pollCmd(0)())
	for _, r := range sampleRecords(t0, 6) { // 6 new, the ring keeps 4
		src.ring.Add(&r)
	}
	m, _ = step(m, m.pollCmd(0)())
	if m.requests.skipped != 2 || !strings.Contains(m.View(), "2 skipped") {
		t.Fatalf("skipped = %d:\n%s", m.requests.skipped, m.View())
	}

	d := droppingSource{newFakeSource()}
	m = newModel(d, Options{Now: func() time.Time { return t0 }}, termenv.Ascii)
	m, _ = step(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m, _ = step(m, m.pollCmd(0)())
	if !strings.Contains(m.View(), "7 dropped") {
		t.Fatalf("dropped events not shown:\n%s", m.View())
	}
}
