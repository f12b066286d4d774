package tui

import (
	"strings"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
)

// lineInput is the `/` filter's editor: typing appends, backspace deletes
// a rune, ctrl+w a word, ctrl+u everything. The cursor stays at the end.
// (bubbles/textinput would also do, but pulls in a clipboard dependency the
// module does not have, and its blinking cursor costs redraws.)
type lineInput struct {
	value []rune
}

func (in *lineInput) set(s string) { in.value = []rune(s) }

func (in *lineInput) String() string { return string(in.value) }

// update applies a key; it reports whether the value changed.
func (in *lineInput) update(msg tea.KeyMsg) bool {
	switch msg.Type {
	case tea.KeyRunes:
		for _, r := range msg.Runes {
			if unicode.IsPrint(r) {
				in.value = append(in.value, r)
			}
		}
		return len(msg.Runes) > 0
	case tea.KeySpace:
		in.value = append(in.value, ' ')
		return true
	case tea.KeyBackspace:
		if len(in.value) > 0 {
			in.value = in.value[:len(in.value)-1]
			return true
		}
	case tea.KeyCtrlU:
		in.value = nil
		return true
	case tea.KeyCtrlW:
		s := strings.TrimRightFunc(string(in.value), unicode.IsSpace)
		i := strings.LastIndexFunc(s, unicode.IsSpace)
		in.value = []rune(s[:i+1])
		return true
	}
	return false
}

// view renders the prompt line with a block cursor.
func (in *lineInput) view(st styles, placeholder string) string {
	cur := st.selected.Render(" ")
	if !st.color {
		cur = "_"
	}
	if len(in.value) == 0 {
		return st.info.Render("/") + cur + st.dim.Render(" "+placeholder)
	}
	return st.info.Render("/") + string(in.value) + cur
}
