package tui

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/phprun/phprun/engine"
)

const (
	// pollInterval is how often Stats and Requests are read.
	pollInterval = 250 * time.Millisecond
	// eventBatchMax caps one batch of events, so one Update stays short
	// however chatty the workers are.
	eventBatchMax = 256
	// eventGap is the least time between two event batches: together
	// with the stats tick it bounds the redraws events can cause to 10/s.
	eventGap = 100 * time.Millisecond
	// toastFor is how long a command's result stays in the footer.
	toastFor = 5 * time.Second
	// sparkSeconds is how many seconds of req/s the sparkline keeps.
	sparkSeconds = 30

	minWidth, minHeight   = 60, 15  // below: "terminal too small"
	fullWidth, fullHeight = 100, 30 // below: one pane at a time, fewer columns
)

type pane int

const (
	paneWorkers pane = iota
	paneRequests
	paneLogs
	paneCount
)

type inputMode uint8

const (
	modeNormal  inputMode = iota
	modeFilter            // typing a `/` filter
	modeConfirm           // "reset all workers? y/n"
)

// Messages: everything from outside the model arrives as one of these.
type (
	// pollMsg carries a stats snapshot and new access records.
	pollMsg struct {
		at      time.Time
		stats   []engine.Stats
		recs    []engine.AccessRecord
		since   uint64 // the sequence number asked for
		next    uint64
		dropped uint64 // events the Source dropped so far (DropCounter)
	}
	// eventsMsg carries a batch of events; closed means the channel is.
	eventsMsg struct {
		events []engine.Event
		closed bool
	}
	// resetDoneMsg reports a reset command; pid 0 means "all".
	resetDoneMsg struct {
		pid int
		err error
	}
	// drainDoneMsg reports the end of the graceful drain.
	drainDoneMsg struct{ err error }
)

// Model is the dashboard's root bubbletea model. Only Update changes it;
// Source calls run in commands and come back as messages.
type Model struct {
	src    Source
	events <-chan engine.Event
	opts   Options
	st     styles
	keys   keyMap
	help   help.Model
	input  lineInput // the `/` filter being typed

	width, height int
	now           time.Time // the clock at the last poll; View reads no other clock
	focus         pane
	mode          inputMode
	showHelp      bool

	header   headerPane
	workers  workersPane
	requests requestsPane
	logs     logsPane
	detail   detailPane

	rate   rateMeter
	lat    latencySamples
	reqSeq uint64 // next Requests sequence number
	polled bool   // a poll came back: later gaps in the sequence are skipped records

	toast    string
	toastBad bool
	toastAt  time.Time

	draining bool
	forced   bool  // second ctrl+c during the drain
	drainErr error // Drain's result
}

// New builds the dashboard model. Colours follow the terminal on stdout,
// off when opts.NoColor or NO_COLOR is set.
func New(src Source, opts Options) Model {
	profile := termenv.Ascii
	if !opts.NoColor && !noColorEnv() {
		profile = lipgloss.NewRenderer(os.Stdout).ColorProfile()
	}
	return newModel(src, opts, profile)
}

// newModel is New with an explicit colour profile, for tests.
func newModel(src Source, opts Options, profile termenv.Profile) Model {
	opts = opts.withDefaults()
	r := newRenderer(io.Discard, profile)
	st := newStyles(r)
	m := Model{
		src:      src,
		events:   src.Events(),
		opts:     opts,
		st:       st,
		keys:     newKeyMap(),
		help:     help.New(),
		now:      opts.Now(),
		header:   headerPane{info: src.Info(), hyperlink: !opts.NoHyperlink},
		workers:  newWorkersPane(),
		requests: newRequestsPane(opts.MaxRequests),
		logs:     newLogsPane(opts.MaxLogs),
		focus:    paneRequests,
	}
	m.help.Styles = help.Styles{
		ShortKey: st.helpKey, ShortDesc: st.helpDesc, ShortSeparator: st.helpSep, Ellipsis: st.helpSep,
		FullKey: st.helpKey, FullDesc: st.helpDesc, FullSeparator: st.helpSep,
	}
	m.syncKeys()
	return m
}

// Init starts the stats poll and the event reader.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.pollCmd(0), waitEvents(m.events, 0))
}

// pollCmd reads Stats and Requests after delay, off the Update goroutine.
func (m Model) pollCmd(delay time.Duration) tea.Cmd {
	src, since, now := m.src, m.reqSeq, m.opts.Now
	fetch := func(time.Time) tea.Msg {
		recs, next := src.Requests(since, nil)
		msg := pollMsg{at: now(), stats: src.Stats(), recs: recs, since: since, next: next}
		if dc, ok := src.(DropCounter); ok {
			msg.dropped = dc.EventsDropped()
		}
		return msg
	}
	if delay <= 0 {
		return func() tea.Msg { return fetch(time.Time{}) }
	}
	return tea.Tick(delay, fetch)
}

// waitEvents blocks for the next event, then takes whatever else is
// already queued, up to eventBatchMax (the bubbletea realtime pattern,
// batched). Update re-arms it after each batch, with a delay that bounds
// the batch rate.
func waitEvents(ch <-chan engine.Event, delay time.Duration) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		if delay > 0 {
			time.Sleep(delay)
		}
		e, ok := <-ch
		if !ok {
			return eventsMsg{closed: true}
		}
		batch := []engine.Event{e}
		for len(batch) < eventBatchMax {
			select {
			case e, ok := <-ch:
				if !ok {
					return eventsMsg{events: batch, closed: true}
				}
				batch = append(batch, e)
			default:
				return eventsMsg{events: batch}
			}
		}
		return eventsMsg{events: batch}
	}
}

// Update is the only place the model changes.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case pollMsg:
		m.onPoll(msg)
		cmd = m.pollCmd(pollInterval)
	case eventsMsg:
		m.onEvents(msg.events)
		if !msg.closed {
			cmd = waitEvents(m.events, eventGap)
		}
	case resetDoneMsg:
		m.onResetDone(msg)
	case drainDoneMsg:
		m.drainErr = msg.err
		cmd = tea.Quit
	case tea.KeyMsg:
		cmd = m.onKeys(msg)
	case tea.MouseMsg:
		m.onMouse(msg)
	}
	m.syncKeys()
	m.layout()
	return m, cmd
}

func (m *Model) onPoll(msg pollMsg) {
	m.now = msg.at
	m.header.setStats(msg.stats)
	m.workers.setStats(msg.stats)
	m.detail.refresh(&m.workers)
	var total uint64
	for _, s := range msg.stats {
		total += s.Execs
	}
	m.rate.observe(msg.at, total)
	for i := range msg.recs {
		r := &msg.recs[i]
		m.lat.add(r.Time.Add(r.Duration), r.Duration)
	}
	if gap := msg.next - msg.since; m.polled && msg.next > msg.since && gap > uint64(len(msg.recs)) {
		m.requests.skipped += gap - uint64(len(msg.recs)) // the ring wrapped before we read it
	}
	m.polled = true
	if msg.next > m.reqSeq {
		m.reqSeq = msg.next
	}
	m.logs.dropped = msg.dropped
	m.requests.add(msg.recs...)
	m.header.rate = m.rate.perSecond(m.now, m.opts.Window)
	m.header.spark = m.rate.series(m.now, sparkSeconds)
	ps, ok := m.lat.percentiles(m.now, m.opts.Window, 0.50, 0.99)
	m.header.p50, m.header.p99, m.header.latency = ps[0], ps[1], ok
}

func (m *Model) onEvents(events []engine.Event) {
	for _, e := range events {
		if m.header.redundantStart(e) { // already logged as main described it
			m.header.event(e)
			continue
		}
		m.header.event(e)
		m.logs.add(eventLines(e)...)
	}
}

func (m *Model) onResetDone(msg resetDoneMsg) {
	what := fmt.Sprintf("worker %d", msg.pid)
	if msg.pid == 0 {
		what = "all workers"
	}
	m.toastAt, m.toastBad = m.now, msg.err != nil
	if msg.err != nil {
		m.toast = fmt.Sprintf("reset %s failed: %v", what, msg.err)
		return
	}
	m.toast = "reset " + what + ": done"
}

func (m *Model) setToast(s string) { m.toast, m.toastBad, m.toastAt = s, false, m.now }

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
			m.input.value = append(m.input.value, r)
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
		m.showHelp = !m.showHelp
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
		return nil
	}
	if m.detail.kind != detailNone {
		return m.detailKey(msg)
	}

	switch {
	case key.Matches(msg, m.keys.Next):
		m.focus = (m.focus + 1) % paneCount
	case key.Matches(msg, m.keys.Prev):
		m.focus = (m.focus + paneCount - 1) % paneCount
	case key.Matches(msg, m.keys.Pane1):
		m.focus = paneWorkers
	case key.Matches(msg, m.keys.Pane2):
		m.focus = paneRequests
	case key.Matches(msg, m.keys.Pane3):
		m.focus = paneLogs
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
	case key.Matches(msg, m.keys.Filter):
		m.mode = modeFilter
		m.input.set(m.focusedFilter().raw)
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
	stream := panes && m.focus != paneWorkers

	k.Yes.SetEnabled(m.mode == modeConfirm)
	k.No.SetEnabled(m.mode == modeConfirm)
	k.FilterApply.SetEnabled(m.mode == modeFilter)
	k.FilterCancel.SetEnabled(m.mode == modeFilter)
	for _, b := range []*key.Binding{&k.Next, &k.Prev, &k.Pane1, &k.Pane2, &k.Pane3} {
		b.SetEnabled(panes)
	}
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PgUp, &k.PgDown, &k.Top, &k.Bottom} {
		b.SetEnabled(browsing)
	}
	k.Detail.SetEnabled(panes || inDetail)
	if inDetail {
		k.Detail.SetHelp("enter", "close")
	} else {
		k.Detail.SetHelp("enter", "detail")
	}
	k.Back.SetEnabled(normal && (m.showHelp || inDetail || (stream && !m.focusedFilter().empty())))
	k.Reset.SetEnabled((panes && m.focus == paneWorkers) || (inDetail && m.detail.kind == detailWorker))
	k.ResetAll.SetEnabled(browsing)
	k.Filter.SetEnabled(stream)
	k.Pause.SetEnabled(panes)
	k.Help.SetEnabled(normal)
	k.Quit.SetEnabled(m.mode != modeFilter && !m.draining)
	if m.requests.paused {
		k.Pause.SetHelp("p", "resume")
	} else {
		k.Pause.SetHelp("p", "pause")
	}
}
