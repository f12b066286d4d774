package tui

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/access"
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
	paneServices // only when the Source is a ServiceSource
	paneJobs     // only with a JobsSource whose JobsEnabled is true
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
		recs    []access.Record
		since   uint64 // the sequence number asked for
		next    uint64
		dropped uint64 // events the Source dropped so far (DropCounter)
		svcs    []ServiceInfo
		hasSvcs bool          // the Source is a ServiceSource
		pipes   []Pipeline    // jobs pipelines (JobsSource)
		jobs    []FinishedJob // last finished jobs, newest first
		info    *Info         // the header's facts read again (some are learned after start); nil = unchanged
	}
	// eventsMsg carries a batch of events and log records; closed means
	// the event channel is.
	eventsMsg struct {
		events []engine.Event
		logs   []LogRecord
		closed bool
	}
	// resetDoneMsg reports a reset command; pid 0 means "all".
	resetDoneMsg struct {
		pid int
		err error
	}
	// drainDoneMsg reports the end of the graceful drain.
	drainDoneMsg struct{ err error }
	// pipelineDoneMsg reports a pause or resume of a pipeline.
	pipelineDoneMsg struct {
		name, done string
		err        error
	}
)

// Model is the dashboard's root bubbletea model. Only Update changes it;
// Source calls run in commands and come back as messages.
type Model struct {
	src     Source
	events  <-chan engine.Event
	records <-chan LogRecord // phprun's own log (Source.Logs)
	opts    Options
	st      styles
	keys    keyMap
	help    help.Model
	input   lineInput // the `/` filter being typed

	width, height int
	now           time.Time // the clock at the last poll; View reads no other clock
	focus         pane
	mode          inputMode
	showHelp      bool
	helpTop       int // first line of the full help shown (it scrolls when taller than the screen)

	header   headerPane
	workers  workersPane
	requests requestsPane
	logs     logsPane
	services servicesPane
	jobs     jobsPane
	jobsSrc  JobsSource  // nil unless the server runs the jobs plugin
	debugSrc DebugSource // nil unless the D key switches debug mode (debugkey.go)
	hasSvcs  bool        // the Source supervises services: pane 4 exists
	leaks    leakTracker
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
		records:  src.Logs(),
		opts:     opts,
		st:       st,
		keys:     newKeyMap(),
		help:     help.New(),
		now:      opts.Now(),
		header:   headerPane{info: src.Info(), hyperlink: !opts.NoHyperlink},
		workers:  newWorkersPane(),
		requests: newRequestsPane(opts.MaxRequests),
		logs:     newLogsPane(opts.MaxLogs),
		leaks:    newLeakTracker(),
		focus:    paneRequests,
	}
	m.help.Styles = help.Styles{
		ShortKey: st.helpKey, ShortDesc: st.helpDesc, ShortSeparator: st.helpSep, Ellipsis: st.helpSep,
		FullKey: st.helpKey, FullDesc: st.helpDesc, FullSeparator: st.helpSep,
	}
	m.syncKeys()
	if js, ok := src.(JobsSource); ok && js.JobsEnabled() {
		m.jobsSrc = js
	}
	if ds, ok := src.(DebugSource); ok && ds.DebugSwitchable() {
		m.debugSrc = ds
	}
	m.detail.metrics.window = opts.Window
	if ms, ok := src.(MetricsSource); ok && ms.MetricsEnabled() {
		m.detail.metrics.src = ms
	}
	return m
}

// Init starts the stats poll and the event reader.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.pollCmd(0), waitEvents(m.events, m.records, 0))
}

// pollCmd reads Stats and Requests after delay, off the Update goroutine.
func (m Model) pollCmd(delay time.Duration) tea.Cmd {
	src, since, now, js, info := m.src, m.reqSeq, m.opts.Now, m.jobsSrc, m.header.info
	fetch := func(time.Time) tea.Msg {
		recs, next := src.Requests(since, nil)
		msg := pollMsg{at: now(), stats: src.Stats(), recs: recs, since: since, next: next}
		if i := src.Info(); i != info {
			msg.info = &i
		}
		if dc, ok := src.(DropCounter); ok {
			msg.dropped = dc.EventsDropped()
		}
		if ss, ok := src.(ServiceSource); ok {
			msg.svcs, msg.hasSvcs = ss.Services(), true
		}
		if js != nil {
			msg.pipes, msg.jobs = js.Pipelines(), js.FinishedJobs()
		}
		return msg
	}
	if delay <= 0 {
		return func() tea.Msg { return fetch(time.Time{}) }
	}
	return tea.Tick(delay, fetch)
}

// waitEvents blocks for the next event or log record, then takes whatever
// else is already queued, up to eventBatchMax (the bubbletea realtime
// pattern, batched). Update re-arms it after each batch, with a delay that
// bounds the batch rate. It ends when the event channel closes; the log
// channel is never closed.
func waitEvents(ch <-chan engine.Event, logs <-chan LogRecord, delay time.Duration) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		if delay > 0 {
			time.Sleep(delay)
		}
		var msg eventsMsg
		select {
		case e, ok := <-ch:
			if !ok {
				return eventsMsg{closed: true}
			}
			msg.events = append(msg.events, e)
		case r := <-logs:
			msg.logs = append(msg.logs, r)
		}
		for len(msg.events)+len(msg.logs) < eventBatchMax {
			select {
			case e, ok := <-ch:
				if !ok {
					msg.closed = true
					return msg
				}
				msg.events = append(msg.events, e)
			case r := <-logs:
				msg.logs = append(msg.logs, r)
			default:
				return msg
			}
		}
		return msg
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
		m.onEvents(msg.events, msg.logs)
		if !msg.closed {
			cmd = waitEvents(m.events, m.records, eventGap)
		}
	case resetDoneMsg:
		m.onResetDone(msg)
	case debugDoneMsg:
		m.onDebugDone(msg)
	case serviceDoneMsg:
		m.onServiceDone(msg)
	case drainDoneMsg:
		m.drainErr = msg.err
		cmd = tea.Quit
	case metricsMsg:
		if m.detail.metrics.set(msg) && m.detail.kind == detailMetrics {
			cmd = m.detail.metrics.readCmd(metricsInterval, m.opts.Now)
		}
	case pipelineDoneMsg:
		m.toastAt, m.toastBad = m.now, msg.err != nil
		m.toast = msg.name + ": " + msg.done
		if msg.err != nil {
			m.toast = msg.name + ": " + msg.err.Error()
		}
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
	if msg.info != nil {
		m.header.info = *msg.info
	}
	m.header.setStats(msg.stats)
	m.workers.setStats(msg.stats)
	if m.jobsSrc != nil {
		m.jobs.set(msg.pipes, msg.jobs)
	}
	if msg.hasSvcs {
		m.hasSvcs = len(msg.svcs) > 0
		m.services.setRows(msg.svcs)
	}
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
	m.detail.metrics.rates.add(msg.recs)
	if gap := msg.next - msg.since; m.polled && msg.next > msg.since && gap > uint64(len(msg.recs)) {
		m.requests.skipped += gap - uint64(len(msg.recs)) // the ring wrapped before we read it
	}
	m.polled = true
	if msg.next > m.reqSeq {
		m.reqSeq = msg.next
	}
	m.leaks.observe(msg.stats, msg.recs)
	m.workers.leak = m.leaks.worst()
	m.logs.dropped = msg.dropped
	m.requests.add(msg.recs...)
	m.header.rate = m.rate.perSecond(m.now, m.opts.Window)
	m.header.spark = m.rate.series(m.now, sparkSeconds)
	ps, ok := m.lat.percentiles(m.now, m.opts.Window, 0.50, 0.99)
	m.header.p50, m.header.p99, m.header.latency = ps[0], ps[1], ok
}

// onEvents takes a batch: events update the header, and events and log
// records become log rows, merged by time (each channel keeps its order).
func (m *Model) onEvents(events []engine.Event, logs []LogRecord) {
	for _, e := range events {
		for len(logs) > 0 && logs[0].Time.Before(e.Time) {
			m.logs.add(recordLines(logs[0])...)
			logs = logs[1:]
		}
		m.header.event(e)
		m.logs.add(eventLines(e)...)
	}
	for _, r := range logs {
		m.logs.add(recordLines(r)...)
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
