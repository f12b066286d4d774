package tui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testModel builds a model over src at the fixed clock t0, without
// colours or hyperlinks, sized w×h.
func testModel(t *testing.T, src *fakeSource, w, h int) Model {
	t.Helper()
	m := newModel(src, Options{Now: func() time.Time { return t0 }, NoHyperlink: true}, termenv.Ascii)
	m, _ = step(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// step runs one Update.
func step(m Model, msg tea.Msg) (Model, tea.Cmd) {
	nm, cmd := m.Update(msg)
	return nm.(Model), cmd
}

// press sends keys: "tab", "enter", "esc", "ctrl+c", … or plain runes.
func press(m Model, keys ...string) Model {
	for _, k := range keys {
		m, _ = step(m, keyMsg(k))
	}
	return m
}

func keyMsg(k string) tea.KeyMsg {
	special := map[string]tea.KeyType{
		"tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab, "enter": tea.KeyEnter, "esc": tea.KeyEscape,
		"ctrl+c": tea.KeyCtrlC, "backspace": tea.KeyBackspace, "pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp,
		"up": tea.KeyUp, "down": tea.KeyDown, "space": tea.KeySpace, "ctrl+u": tea.KeyCtrlU,
		"ctrl+w": tea.KeyCtrlW, "left": tea.KeyLeft, "right": tea.KeyRight, "home": tea.KeyHome, "delete": tea.KeyDelete,
	}
	if t, ok := special[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// feed gives the model ten seconds of polls ending at t0 (so req/s and the
// sparkline have history), then records and events.
func feed(m Model, src *fakeSource, nrec int) Model {
	execs := uint64(0)
	for i := 10; i >= 0; i-- {
		at := t0.Add(-time.Duration(i) * time.Second)
		execs += uint64(10 + (10-i)*(10-i)%37)
		m, _ = step(m, pollMsg{at: at, stats: sampleStats(at, execs)})
	}
	for _, r := range sampleRecords(t0, nrec) {
		src.ring.Add(&r)
	}
	recs, next := src.Requests(m.reqSeq, nil)
	m, _ = step(m, pollMsg{at: t0, stats: sampleStats(t0, execs+12), recs: recs, next: next})
	m, _ = step(m, eventsMsg{events: sampleEvents(t0), logs: sampleLogs(t0)})
	return m
}

// golden compares got with testdata/name.golden (rewritten with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -update to create it)", err)
	}
	if got == string(want) {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s: line %d differs\n got: %q\nwant: %q\n\nfull view:\n%s", path, i+1, g, w, got)
		}
	}
}

// checkFrame asserts that a view is exactly w×h cells.
func checkFrame(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Fatalf("%d×%d: view has %d lines, want %d:\n%s", w, h, len(lines), h, view)
	}
	for i, l := range lines {
		if lw := lipglossWidth(l); lw > w {
			t.Fatalf("%d×%d: line %d is %d cells wide:\n%q", w, h, i+1, lw, l)
		}
	}
}
