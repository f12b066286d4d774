package tui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// DebugSource is optionally implemented by a Source whose HTTP pool can
// switch debug mode while it serves (`phprun dev`): the D key then turns
// it on and off, and the header says DEBUG while it is on.
type DebugSource interface {
	// DebugSwitchable reports whether the D key applies (false, e.g.,
	// under `phprun serve` or with http.pool.debug in the config).
	DebugSwitchable() bool
	// SetDebug switches debug mode by a rolling reload (no request
	// fails) and returns when the switch is made.
	SetDebug(on bool) error
}

// debugDoneMsg reports a debug-mode switch.
type debugDoneMsg struct {
	on  bool
	err error
}

// toggleDebug asks the source to switch debug mode; the header changes
// when the switch is done (onDebugDone).
func (m *Model) toggleDebug() tea.Cmd {
	if m.debugSrc == nil {
		return nil
	}
	on := !m.header.info.Debug
	if on {
		m.setToast("debug mode: switching on…")
	} else {
		m.setToast("debug mode: switching off…")
	}
	src := m.debugSrc
	return func() tea.Msg { return debugDoneMsg{on: on, err: src.SetDebug(on)} }
}

func (m *Model) onDebugDone(msg debugDoneMsg) {
	m.toastAt, m.toastBad = m.now, msg.err != nil
	switch {
	case msg.err != nil:
		m.toast = "debug mode: " + msg.err.Error()
	case msg.on:
		m.header.info.Debug = true
		m.toast = "debug mode on: a fresh worker per request, one at a time, exec_ttl off"
	default:
		m.header.info.Debug = false
		m.toast = "debug mode off"
	}
}
