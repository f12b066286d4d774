package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap is every key binding of the dashboard. The help bar and the full
// help (?) are generated from it by bubbles/help, so a binding's help text
// lives in exactly one place. Bindings that make no sense in the current
// context are disabled in Update (syncKeys) and so vanish from the help.
type keyMap struct {
	Next, Prev                key.Binding
	Pane1, Pane2, Pane3       key.Binding
	Pane4                     key.Binding // Services, when there are any
	SvcRestart, SvcToggle     key.Binding // Services pane: restart, stop/start
	SvcLogs                   key.Binding // Services pane: its lines in the logs pane
	Pane5                     key.Binding // Jobs, when the server runs them
	Up, Down, PgUp, PgDown    key.Binding
	Top, Bottom               key.Binding
	Detail, Back              key.Binding
	Metrics                   key.Binding // the metrics panel (metricspanel.go)
	Reset, ResetAll           key.Binding
	Debug                     key.Binding // debug mode on/off (debugkey.go)
	Filter, Pause             key.Binding
	Help, Quit                key.Binding
	Yes, No                   key.Binding // confirmation prompt
	FilterApply, FilterCancel key.Binding // while typing a filter
}

func newKeyMap() keyMap {
	return keyMap{
		Next:         key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		Prev:         key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "prev pane")),
		Pane1:        key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "workers")),
		Pane2:        key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "requests")),
		Pane3:        key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "logs")),
		Pane4:        key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "services")),
		SvcRestart:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart service")),
		SvcToggle:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "stop service")),
		SvcLogs:      key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "service logs")),
		Pane5:        key.NewBinding(key.WithKeys("5"), key.WithHelp("5", "jobs")),
		Up:           key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		PgUp:         key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PgDown:       key.NewBinding(key.WithKeys("pgdown", "ctrl+f", " "), key.WithHelp("pgdn", "page down")),
		Top:          key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:       key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom/follow")),
		Detail:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
		Back:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Metrics:      key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "metrics panel")),
		Reset:        key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reset worker")),
		ResetAll:     key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reset all")),
		Debug:        key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "debug mode")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Pause:        key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause")),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:         key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Yes:          key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "confirm")),
		No:           key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "cancel")),
		FilterApply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter")),
		FilterCancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
}

// ShortHelp is the one-line help bar.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Yes, k.No, k.FilterApply, k.FilterCancel, k.Next, k.Detail, k.Back,
		k.Reset, k.SvcRestart, k.SvcToggle, k.SvcLogs, k.ResetAll, k.Filter, k.Pause, k.Help, k.Quit}
}

// FullHelp is the help screen (?), one column per group.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Next, k.Prev, k.Pane1, k.Pane2, k.Pane3, k.Pane5},
		{k.Up, k.Down, k.PgUp, k.PgDown, k.Top, k.Bottom},
		{k.Detail, k.Back, k.Metrics, k.Filter, k.Pause},
		{k.Reset, k.ResetAll, k.Debug, k.Help, k.Quit},
		{k.Pane4, k.SvcRestart, k.SvcToggle, k.SvcLogs},
		{k.FilterApply, k.FilterCancel, k.Yes, k.No},
	}
}
