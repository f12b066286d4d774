package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// This file holds Update's handling of keys and the mouse: which binding
// does what in which mode, and which bindings are enabled (and so shown in
// the help bar) right now.

// onKeys splits runes that arrived together (fast typing, tmux
// send-keys) into single key presses, except while typing a filter or
// pasting, where they are text.
func (m *Model) onKeys(msg tea.KeyMsg) tea.Cmd {
	if msg.Type != tea.KeyRunes || len(msg.Runes) < 2 || msg.Paste || m.mode == modeFilter {
		return m.onKey(msg)
	}
	var cmds []tea.Cmd
	for _, r := range msg.Runes {
		if m.mode == modeFilter { // "/" started a filter: the rest is its text
			m.input.insert(r)
			m.applyFilter(m.input.String())
			continue
		}
		cmds = append(cmds, m.onKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
		m.syncKeys()
	}
	return tea.Batch(cmds...)
}

// onKey handles a key press and returns the command it starts, if any.
func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return m.quit(true)
	}
	switch m.mode {
	case modeConfirm:
		switch {
		case key.Matches(msg, m.keys.Yes):
			m.mode = modeNormal
			m.setToast("resetting all workers…")
			src := m.src
			return func() tea.Msg { return resetDoneMsg{pid: 0, err: src.ResetAll()} }
		case key.Matches(msg, m.keys.No):
			m.mode = modeNormal
		}
		return nil
	case modeFilter:
		switch {
		case key.Matches(msg, m.keys.FilterApply):
			m.mode = modeNormal
		case key.Matches(msg, m.keys.FilterCancel):
			m.mode = modeNormal
			m.applyFilter("")
		default:
			if m.input.update(msg) {
				m.applyFilter(m.input.String()) // live: the list narrows while typing
			}
		}
		return nil
	}

	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.quit(false)
	case key.Matches(msg, m.keys.Help):
		m.showHelp, m.helpTop = !m.showHelp, 0
		return nil
	case key.Matches(msg, m.keys.Back):
		switch {
		case m.showHelp:
			m.showHelp = false
		case m.detail.kind != detailNone:
			m.detail.close()
		default:
			m.applyFilter("")
		}
		return nil
	}
	if m.showHelp {
		m.helpKey(msg)
		return nil
	}
	if key.Matches(msg, m.keys.Metrics) {
		return m.toggleMetrics()
	}
	if m.detail.kind != detailNone {
		return m.detailKey(msg)
	}

	switch {
	case key.Matches(msg, m.keys.Next):
		m.cyclePane(1)
	case key.Matches(msg, m.keys.Prev):
		m.cyclePane(-1)
	case key.Matches(msg, m.keys.Pane1):
		m.focus = paneWorkers
	case key.Matches(msg, m.keys.Pane2):
		m.focus = paneRequests
	case key.Matches(msg, m.keys.Pane3):
		m.focus = paneLogs
	case key.Matches(msg, m.keys.Pane4):
		m.focus = paneServices
	case key.Matches(msg, m.keys.Pane5):
		m.focus = paneJobs
	case key.Matches(msg, m.keys.Pause) && m.focus == paneJobs:
		return m.togglePipeline()
	case key.Matches(msg, m.keys.SvcRestart), key.Matches(msg, m.keys.SvcToggle), key.Matches(msg, m.keys.SvcLogs):
		return m.serviceKey(msg)
	case key.Matches(msg, m.keys.Up):
		m.focused().move(-1, m.focusedLen())
	case key.Matches(msg, m.keys.Down):
		m.focused().move(1, m.focusedLen())
	case key.Matches(msg, m.keys.PgUp):
		m.focused().page(-1, m.focusedLen())
	case key.Matches(msg, m.keys.PgDown):
		m.focused().page(1, m.focusedLen())
	case key.Matches(msg, m.keys.Top):
		m.focused().home(m.focusedLen())
	case key.Matches(msg, m.keys.Bottom):
		m.focused().end(m.focusedLen())
	case key.Matches(msg, m.keys.Detail):
		m.openDetail()
	case key.Matches(msg, m.keys.Reset):
		if w, ok := m.workers.selected(); ok {
			return m.resetWorker(w.PID)
		}
	case key.Matches(msg, m.keys.ResetAll):
		m.mode = modeConfirm
	case key.Matches(msg, m.keys.Debug):
		return m.toggleDebug()
	case key.Matches(msg, m.keys.Filter):
		m.mode = modeFilter
		m.input.edit(m.focusedFilter().raw)
	case key.Matches(msg, m.keys.Pause):
		on := !m.requests.paused
		m.requests.setPaused(on)
		m.logs.setPaused(on)
	}
	return nil
}

// detailKey handles keys while a detail is open.
func (m *Model) detailKey(msg tea.KeyMsg) tea.Cmd {
	n := len(m.detail.content(m.st, m.now, m.opts.Slow, &m.logs))
	switch {
	case key.Matches(msg, m.keys.Detail):
		m.detail.close()
	case key.Matches(msg, m.keys.Up):
		m.detail.scroll(-1, n)
	case key.Matches(msg, m.keys.Down):
		m.detail.scroll(1, n)
	case key.Matches(msg, m.keys.PgUp):
		m.detail.scroll(-m.detail.h, n)
	case key.Matches(msg, m.keys.PgDown):
		m.detail.scroll(m.detail.h, n)
	case key.Matches(msg, m.keys.Top):
		m.detail.scroll(-n, n)
	case key.Matches(msg, m.keys.Bottom):
		m.detail.scroll(n, n)
	case key.Matches(msg, m.keys.Reset):
		if m.detail.kind == detailWorker && !m.detail.gone {
			return m.resetWorker(m.detail.worker.PID)
		}
	case key.Matches(msg, m.keys.ResetAll):
		m.mode = modeConfirm
	case key.Matches(msg, m.keys.Debug):
		return m.toggleDebug()
	}
	return nil
}

func (m *Model) resetWorker(pid int) tea.Cmd {
	m.setToast(fmt.Sprintf("resetting worker %d…", pid))
	src := m.src
	return func() tea.Msg { return resetDoneMsg{pid: pid, err: src.ResetWorker(pid)} }
}

// quit starts the graceful drain; a second ctrl+c during it forces.
func (m *Model) quit(ctrlC bool) tea.Cmd {
	if m.draining {
		if ctrlC {
			m.forced = true
			return tea.Quit
		}
		return nil
	}
	m.draining, m.header.draining = true, true
	m.mode, m.showHelp = modeNormal, false
	src := m.src
	return func() tea.Msg { return drainDoneMsg{err: src.Drain()} }
}

func (m *Model) onMouse(msg tea.MouseMsg) {
	if msg.Action != tea.MouseActionPress {
		return
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		if m.detail.kind != detailNone {
			m.detail.scroll(-3, len(m.detail.content(m.st, m.now, m.opts.Slow, &m.logs)))
			return
		}
		m.focused().move(-3, m.focusedLen())
	case tea.MouseButtonWheelDown:
		if m.detail.kind != detailNone {
			m.detail.scroll(3, len(m.detail.content(m.st, m.now, m.opts.Slow, &m.logs)))
			return
		}
		m.focused().move(3, m.focusedLen())
	}
}

func (m *Model) focused() *list {
	switch m.focus {
	case paneWorkers:
		return &m.workers.list
	case paneRequests:
		return &m.requests.list
	case paneServices:
		return &m.services.list
	case paneJobs:
		return &m.jobs.list
	default:
		return &m.logs.list
	}
}

func (m *Model) focusedLen() int {
	switch m.focus {
	case paneWorkers:
		return len(m.workers.rows)
	case paneRequests:
		return len(m.requests.shown)
	case paneServices:
		return len(m.services.rows)
	case paneJobs:
		return len(m.jobs.pipes)
	default:
		return len(m.logs.shown)
	}
}

func (m *Model) focusedFilter() filter {
	if m.focus == paneLogs {
		return m.logs.filter
	}
	return m.requests.filter
}

// applyFilter sets the focused stream pane's filter.
func (m *Model) applyFilter(s string) {
	switch m.focus {
	case paneRequests:
		m.requests.setFilter(parseFilter(s))
	case paneLogs:
		m.logs.setFilter(parseFilter(s))
	}
}

func (m *Model) openDetail() {
	switch m.focus {
	case paneWorkers:
		if w, ok := m.workers.selected(); ok {
			m.detail.worker = w
			m.detail.open(detailWorker)
		}
	case paneRequests:
		if r, ok := m.requests.selected(); ok {
			m.detail.req = r
			m.detail.open(detailRequest)
		}
	case paneLogs:
		if l, ok := m.logs.selected(); ok {
			m.detail.log = l
			m.detail.open(detailLog)
		}
	case paneServices:
		m.showServiceLogs()
	}
}

// syncKeys enables the bindings that apply now, so that key.Matches and
// the generated help agree with what a key would do.
func (m *Model) syncKeys() {
	k := &m.keys
	normal := m.mode == modeNormal && !m.draining
	browsing := normal && !m.showHelp
	inDetail := browsing && m.detail.kind != detailNone
	panes := browsing && !inDetail
	stream := panes && (m.focus == paneRequests || m.focus == paneLogs)

	k.Yes.SetEnabled(m.mode == modeConfirm)
	k.No.SetEnabled(m.mode == modeConfirm)
	k.FilterApply.SetEnabled(m.mode == modeFilter)
	k.FilterCancel.SetEnabled(m.mode == modeFilter)
	for _, b := range []*key.Binding{&k.Next, &k.Prev, &k.Pane1, &k.Pane2, &k.Pane3} {
		b.SetEnabled(panes)
	}
	m.syncServiceKeys(panes)
	k.Pane5.SetEnabled(panes && m.jobsSrc != nil)
	helpScrolls := normal && m.showHelp && m.helpMaxTop() > 0
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PgUp, &k.PgDown, &k.Top, &k.Bottom} {
		b.SetEnabled(browsing || helpScrolls)
	}
	k.Metrics.SetEnabled(browsing)
	k.Detail.SetEnabled(panes || inDetail)
	if inDetail {
		k.Detail.SetHelp("enter", "close")
	} else {
		k.Detail.SetHelp("enter", "detail")
	}
	k.Back.SetEnabled(normal && (m.showHelp || inDetail || (stream && !m.focusedFilter().empty())))
	k.Reset.SetEnabled((panes && m.focus == paneWorkers) || (inDetail && m.detail.kind == detailWorker))
	k.ResetAll.SetEnabled(browsing)
	k.Debug.SetEnabled(browsing && m.debugSrc != nil)
	k.Filter.SetEnabled(stream)
	k.Pause.SetEnabled(panes)
	k.Help.SetEnabled(normal)
	k.Quit.SetEnabled(m.mode != modeFilter && !m.draining)
	switch pl, ok := m.jobs.selected(); {
	case m.focus == paneJobs && ok && pl.Consuming:
		k.Pause.SetHelp("p", "pause pipeline")
	case m.focus == paneJobs:
		k.Pause.SetHelp("p", "resume pipeline")
	case m.requests.paused:
		k.Pause.SetHelp("p", "resume")
	default:
		k.Pause.SetHelp("p", "pause")
	}
}

// toggleMetrics opens the metrics panel in place of the panes (or of
// another detail), or closes it when it is open.
func (m *Model) toggleMetrics() tea.Cmd {
	if m.detail.kind == detailMetrics {
		m.detail.close()
		return nil
	}
	m.detail.open(detailMetrics)
	return m.detail.metrics.opened(m.opts.Now)
}

// togglePipeline pauses the selected pipeline if it consumes, else resumes it.
func (m *Model) togglePipeline() tea.Cmd {
	pl, ok := m.jobs.selected()
	if !ok || m.jobsSrc == nil {
		return nil
	}
	js := m.jobsSrc
	if pl.Consuming {
		m.setToast("pausing " + pl.Name + "…")
		return func() tea.Msg { return pipelineDoneMsg{name: pl.Name, done: "paused", err: js.PausePipeline(pl.Name)} }
	}
	m.setToast("resuming " + pl.Name + "…")
	return func() tea.Msg {
		return pipelineDoneMsg{name: pl.Name, done: "consuming", err: js.ResumePipeline(pl.Name)}
	}
}

// visiblePanes are the panes tab cycles through, in order: Services only
// when the server supervises services, Jobs only when it runs jobs.
func (m *Model) visiblePanes() []pane {
	ps := []pane{paneWorkers, paneRequests, paneLogs}
	if m.hasSvcs {
		ps = append(ps, paneServices)
	}
	if m.jobsSrc != nil {
		ps = append(ps, paneJobs)
	}
	return ps
}

// cyclePane moves the focus by dir (+1 tab, -1 shift+tab) among the
// visible panes.
func (m *Model) cyclePane(dir int) {
	ps := m.visiblePanes()
	i := 0
	for k, p := range ps {
		if p == m.focus {
			i = k
		}
	}
	m.focus = ps[(i+dir+len(ps))%len(ps)]
}
