package tui

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/phprun/phprun/engine"
)

// styles holds every lipgloss style of the dashboard, built once in New
// from one renderer. The renderer is the model's own (not lipgloss's
// package-global default) so that NO_COLOR and tests' Ascii profile never
// leak between programs or race between parallel tests.
//
// Colours are the 16 basic ANSI ones so they follow the user's terminal
// theme, and no background query (OSC 11) is ever sent to the terminal.
type styles struct {
	plain     lipgloss.Style
	bold      lipgloss.Style
	dim       lipgloss.Style
	title     lipgloss.Style // pane title, unfocused
	focused   lipgloss.Style // pane title, focused
	colHeader lipgloss.Style // table header row
	selected  lipgloss.Style // selected row in the focused pane
	ok        lipgloss.Style
	warn      lipgloss.Style
	bad       lipgloss.Style
	info      lipgloss.Style
	accent    lipgloss.Style
	banner    lipgloss.Style // boot error banner
	barBusy   lipgloss.Style
	barIdle   lipgloss.Style
	helpKey   lipgloss.Style
	helpDesc  lipgloss.Style
	helpSep   lipgloss.Style
	color     bool // false when rendering without colours: selection is then marked with "›"
}

func newRenderer(w io.Writer, profile termenv.Profile) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(w)
	r.SetColorProfile(profile)
	r.SetHasDarkBackground(true) // never query the terminal; we only use ANSI colours anyway
	return r
}

func newStyles(r *lipgloss.Renderer) styles {
	c := func(n string) lipgloss.Color { return lipgloss.Color(n) }
	s := styles{
		plain:     r.NewStyle(),
		bold:      r.NewStyle().Bold(true),
		dim:       r.NewStyle().Foreground(c("8")),
		title:     r.NewStyle().Bold(true).Foreground(c("8")),
		focused:   r.NewStyle().Bold(true).Foreground(c("6")),
		colHeader: r.NewStyle().Foreground(c("8")),
		selected:  r.NewStyle().Reverse(true),
		ok:        r.NewStyle().Foreground(c("2")),
		warn:      r.NewStyle().Foreground(c("3")),
		bad:       r.NewStyle().Foreground(c("1")),
		info:      r.NewStyle().Foreground(c("6")),
		accent:    r.NewStyle().Foreground(c("5")),
		banner:    r.NewStyle().Foreground(c("1")).Bold(true),
		barBusy:   r.NewStyle().Foreground(c("3")),
		barIdle:   r.NewStyle().Foreground(c("2")),
		helpKey:   r.NewStyle().Foreground(c("7")).Bold(true),
		helpDesc:  r.NewStyle().Foreground(c("8")),
		helpSep:   r.NewStyle().Foreground(c("8")),
		color:     r.ColorProfile() != termenv.Ascii,
	}
	return s
}

// status styles an HTTP status by class.
func (s styles) status(code int) lipgloss.Style {
	switch {
	case code >= 500 || code == 0:
		return s.bad
	case code >= 400:
		return s.warn
	case code >= 300:
		return s.info
	case code >= 200:
		return s.ok
	default:
		return s.dim
	}
}

// stateGlyph returns a one-cell glyph and a style for a worker state, so
// the state reads at a glance even without colours.
func (s styles) stateGlyph(st engine.State) (string, lipgloss.Style) {
	switch st {
	case engine.StateReady:
		return "○", s.ok
	case engine.StateWorking:
		return "●", s.warn
	case engine.StateInactive:
		return "·", s.dim
	case engine.StateStopping, engine.StateMaxJobsReached, engine.StateIdleTTLReached,
		engine.StateTTLReached, engine.StateMaxMemoryReached:
		return "◌", s.info
	case engine.StateStopped, engine.StateDestroyed:
		return "■", s.dim
	default: // invalid, errored, exec_ttl reached
		return "✗", s.bad
	}
}
