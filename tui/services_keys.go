package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// serviceKey handles r (restart), s (stop or start) and l (logs) on the
// selected service. The command runs outside Update; its result comes
// back as a serviceDoneMsg and shows in the footer.
func (m *Model) serviceKey(msg tea.KeyMsg) tea.Cmd {
	r, ok := m.services.selected()
	ss, isSS := m.src.(ServiceSource)
	if !ok || !isSS {
		return nil
	}
	var cmd ServiceCmd
	switch {
	case key.Matches(msg, m.keys.SvcLogs):
		m.showServiceLogs()
		return nil
	case key.Matches(msg, m.keys.SvcRestart):
		cmd = ServiceRestart
	case r.Running || r.State == "restarting" || r.State == "backoff":
		cmd = ServiceStop
	default:
		cmd = ServiceStart
	}
	m.setToast(fmt.Sprintf("%s %s…", cmd, r.Name))
	name := r.Name
	return func() tea.Msg { return serviceDoneMsg{name: name, cmd: cmd, err: ss.ServiceCommand(name, cmd)} }
}

// showServiceLogs switches to the logs pane filtered to the selected
// service's output (esc clears the filter).
func (m *Model) showServiceLogs() {
	r, ok := m.services.selected()
	if !ok {
		return
	}
	m.focus = paneLogs
	m.logs.setFilter(parseFilter(r.LogName))
	m.logs.list.end(len(m.logs.shown))
}

func (m *Model) onServiceDone(msg serviceDoneMsg) {
	m.toastAt, m.toastBad = m.now, msg.err != nil
	if msg.err != nil {
		m.toast = fmt.Sprintf("%s %s failed: %v", msg.cmd, msg.name, msg.err)
		return
	}
	m.toast = fmt.Sprintf("%s %s: done", msg.cmd, msg.name)
}

// syncServiceKeys enables the Services pane's bindings when it is focused
// (panes: the panes are browsable now).
func (m *Model) syncServiceKeys(panes bool) {
	k := &m.keys
	on := panes && m.focus == paneServices && m.hasSvcs
	k.Pane4.SetEnabled(panes && m.hasSvcs)
	k.SvcRestart.SetEnabled(on)
	k.SvcToggle.SetEnabled(on)
	k.SvcLogs.SetEnabled(on)
	if r, ok := m.services.selected(); ok && !(r.Running || r.State == "restarting" || r.State == "backoff") {
		k.SvcToggle.SetHelp("s", "start service")
	} else {
		k.SvcToggle.SetHelp("s", "stop service")
	}
}
