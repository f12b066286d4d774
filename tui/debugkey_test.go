package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
)

// debugFake is a fakeSource whose HTTP pool can switch debug mode.
type debugFake struct {
	*fakeSource
	switchable bool
	calls      []bool
	err        error
}

func (d *debugFake) DebugSwitchable() bool { return d.switchable }
func (d *debugFake) SetDebug(on bool) error {
	d.calls = append(d.calls, on)
	return d.err
}

// pressDebug presses D and delivers the switch's result to the model.
func pressDebug(t *testing.T, m Model) Model {
	t.Helper()
	m, cmd := step(m, keyMsg("D"))
	if cmd == nil {
		t.Fatal("D started no command")
	}
	msg := cmd()
	if _, ok := msg.(debugDoneMsg); !ok {
		t.Fatalf("D's command returned %T", msg)
	}
	m, _ = step(m, msg)
	return m
}

func debugModel(src *debugFake) Model {
	m := newModel(src, Options{Now: func() time.Time { return t0 }, NoHyperlink: true}, termenv.Ascii)
	m, _ = step(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	return m
}

func headerLine(m Model) string { return strings.Split(m.View(), "\n")[0] }

func TestDebugKeySwitchesDebugMode(t *testing.T) {
	fake := newFakeSource()
	src := &debugFake{fakeSource: fake, switchable: true}
	m := feed(debugModel(src), fake, 5)
	if strings.Contains(headerLine(m), "DEBUG") {
		t.Fatal("DEBUG shown before the key")
	}
	m = pressDebug(t, m)
	if !strings.Contains(headerLine(m), "DEBUG") {
		t.Fatalf("header after D lacks DEBUG: %q", headerLine(m))
	}
	if !strings.Contains(m.View(), "debug mode on") {
		t.Errorf("no toast for debug mode on:\n%s", m.View())
	}
	m = pressDebug(t, m)
	if strings.Contains(headerLine(m), "DEBUG") {
		t.Fatalf("header after the second D still says DEBUG: %q", headerLine(m))
	}
	if len(src.calls) != 2 || !src.calls[0] || src.calls[1] {
		t.Fatalf("SetDebug calls %v, want [true false]", src.calls)
	}

	// a failed switch keeps the header as it was and says why
	src.err = errors.New("a reload is in progress")
	m = pressDebug(t, m)
	if strings.Contains(headerLine(m), "DEBUG") {
		t.Fatal("header says DEBUG after a failed switch")
	}
	if !strings.Contains(m.View(), "a reload is in progress") {
		t.Errorf("failed switch not shown:\n%s", m.View())
	}
}

// Without a switchable pool (phprun serve, http.pool.debug) D does nothing
// and is not in the help.
func TestDebugKeyOffWhenNotSwitchable(t *testing.T) {
	fake := newFakeSource()
	src := &debugFake{fakeSource: fake}
	m := feed(debugModel(src), fake, 5)
	m, cmd := step(m, keyMsg("D"))
	if cmd != nil || len(src.calls) != 0 {
		t.Fatal("D switched debug mode on a source that cannot")
	}
	if strings.Contains(headerLine(m), "DEBUG") {
		t.Fatal("header says DEBUG")
	}
}
