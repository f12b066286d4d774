package tui

import (
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/phprun/phprun/engine"
)

// paint is a style reduced to the escape sequences around its text, taken
// once from lipgloss. Rendering is then two concatenations, which matters:
// View runs up to 14 times a second and paints a few hundred cells.
// Only for single-line text without padding, width or margins.
type paint struct{ pre, post string }

func paintOf(s lipgloss.Style) paint {
	out := s.Render("x")
	i := strings.Index(out, "x")
	if i < 0 {
		return paint{}
	}
	return paint{pre: out[:i], post: out[i+1:]}
}

// Render wraps s in the style's sequences.
func (p paint) Render(s string) string {
	if p.pre == "" || s == "" {
		return s
	}
	return p.pre + s + p.post
}

// styles holds every style of the dashboard, built once in New from one
// lipgloss renderer. The renderer is the model's own (not lipgloss's
// package-global default) so that NO_COLOR and tests' Ascii profile never
// leak between programs or race between parallel tests.
//
// Colours are the 16 basic ANSI ones so they follow the user's terminal
// theme, and no background query (OSC 11) is ever sent to the terminal.
type styles struct {
	plain     paint
	bold      paint
	dim       paint
	title     paint // pane title, unfocused
	focused   paint // pane title, focused
	colHeader paint // table header row
	selected  paint // selected row in the focused pane
	ok        paint
	warn      paint
	bad       paint
	info      paint
	link      paint // the address
	banner    paint // boot error banner
	barBusy   paint
	barIdle   paint
	helpKey   lipgloss.Style // for bubbles/help, which takes lipgloss styles
	helpDesc  lipgloss.Style
	helpSep   lipgloss.Style
	color     bool // false when rendering without colours: selection is then marked with "›" only
}

func newRenderer(w io.Writer, profile termenv.Profile) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(w)
	r.SetColorProfile(profile)
	r.SetHasDarkBackground(true) // never query the terminal; we only use ANSI colours anyway
	return r
}

func newStyles(r *lipgloss.Renderer) styles {
	c := func(n string) lipgloss.Color { return lipgloss.Color(n) }
	fg := func(n string) paint { return paintOf(r.NewStyle().Foreground(c(n))) }
	color := r.ColorProfile() != termenv.Ascii
	return styles{
		plain:     paint{},
		bold:      paintOf(r.NewStyle().Bold(true)),
		dim:       fg("8"),
		title:     paintOf(r.NewStyle().Bold(true).Foreground(c("8"))),
		focused:   paintOf(r.NewStyle().Bold(true).Foreground(c("6"))),
		colHeader: fg("8"),
		selected:  paintOf(r.NewStyle().Reverse(true)),
		ok:        fg("2"),
		warn:      fg("3"),
		bad:       fg("1"),
		info:      fg("6"),
		link:      paintOf(r.NewStyle().Foreground(c("6")).Underline(color)),
		banner:    paintOf(r.NewStyle().Foreground(c("1")).Bold(true)),
		barBusy:   fg("3"),
		barIdle:   fg("2"),
		helpKey:   r.NewStyle().Foreground(c("7")).Bold(true),
		helpDesc:  r.NewStyle().Foreground(c("8")),
		helpSep:   r.NewStyle().Foreground(c("8")),
		color:     color,
	}
}

// status styles an HTTP status by class.
func (s styles) status(code int) paint {
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
func (s styles) stateGlyph(st engine.State) (string, paint) {
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
