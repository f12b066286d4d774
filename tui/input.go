package tui

import (
	"strings"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
)

// lineInput is the `/` filter's editor: typing inserts at the cursor,
// ←/→ (ctrl+b/ctrl+f) move it, home/end (ctrl+a/ctrl+e) jump, backspace
// and delete remove a rune, ctrl+w the word before the cursor, ctrl+u
// everything. (bubbles/textinput would also do, but pulls in a clipboard
// dependency the module does not have, and its blinking cursor costs
// redraws.)
type lineInput struct {
	value []rune
	pos   int // cursor: index into value, 0..len(value)
}

// edit starts editing the filter s, as k9s and lazygit do: the text is
// kept, the cursor at its end, after a space when s is not empty, so that
// what is typed next is a new term instead of running into the last one.
func (in *lineInput) edit(s string) {
	s = strings.TrimSpace(s)
	if s != "" {
		s += " "
	}
	in.value = []rune(s)
	in.pos = len(in.value)
}

func (in *lineInput) String() string { return string(in.value) }

// insert puts runes at the cursor.
func (in *lineInput) insert(rs ...rune) {
	in.value = append(in.value[:in.pos], append(rs, in.value[in.pos:]...)...)
	in.pos += len(rs)
}

// update applies a key; it reports whether the value changed.
func (in *lineInput) update(msg tea.KeyMsg) bool {
	switch msg.Type {
	case tea.KeyRunes:
		var rs []rune
		for _, r := range msg.Runes {
			if unicode.IsPrint(r) {
				rs = append(rs, r)
			}
		}
		in.insert(rs...)
		return len(rs) > 0
	case tea.KeySpace:
		in.insert(' ')
		return true
	case tea.KeyBackspace:
		if in.pos > 0 {
			in.value = append(in.value[:in.pos-1], in.value[in.pos:]...)
			in.pos--
			return true
		}
	case tea.KeyDelete:
		if in.pos < len(in.value) {
			in.value = append(in.value[:in.pos], in.value[in.pos+1:]...)
			return true
		}
	case tea.KeyLeft, tea.KeyCtrlB:
		in.pos = max(in.pos-1, 0)
	case tea.KeyRight, tea.KeyCtrlF:
		in.pos = min(in.pos+1, len(in.value))
	case tea.KeyHome, tea.KeyCtrlA:
		in.pos = 0
	case tea.KeyEnd, tea.KeyCtrlE:
		in.pos = len(in.value)
	case tea.KeyCtrlU:
		in.value, in.pos = nil, 0
		return true
	case tea.KeyCtrlW:
		before := strings.TrimRightFunc(string(in.value[:in.pos]), unicode.IsSpace)
		keep := []rune(before[:strings.LastIndexFunc(before, unicode.IsSpace)+1])
		in.value = append(keep, in.value[in.pos:]...)
		in.pos = len(keep)
		return true
	}
	return false
}

// view renders the prompt line with a block cursor at the cursor position
// (on the rune under it, or after the text).
func (in *lineInput) view(st styles, placeholder string) string {
	under := " "
	if in.pos < len(in.value) {
		under = string(in.value[in.pos])
	}
	cur := st.selected.Render(under)
	if !st.color {
		cur = "_"
		if in.pos < len(in.value) {
			cur = "[" + under + "]"
		}
	}
	if len(in.value) == 0 {
		return st.info.Render("/") + cur + st.dim.Render(" "+placeholder)
	}
	rest := ""
	if in.pos < len(in.value) {
		rest = string(in.value[in.pos+1:])
	}
	return st.info.Render("/") + string(in.value[:in.pos]) + cur + rest
}
