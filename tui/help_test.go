package tui

import (
	"strings"
	"testing"
)

// helpEntries is every "key desc" pair of the full help, as the help
// screen prints it (the key, then its description).
func helpEntries() [][2]string {
	var out [][2]string
	for _, g := range newKeyMap().FullHelp() {
		for _, b := range g {
			out = append(out, [2]string{b.Help().Key, b.Help().Desc})
		}
	}
	return out
}

// hasEntry reports whether one line of view shows key followed by desc.
func hasEntry(view, k, desc string) bool {
	for _, l := range strings.Split(view, "\n") {
		// each part after the first follows a " key " in the line
		for _, f := range strings.SplitAfter(" "+l, " "+k+" ")[1:] {
			if strings.HasPrefix(strings.TrimLeft(f, " "), desc) {
				return true
			}
		}
	}
	return false
}

// TestHelpFits80x24 is the smallest common terminal: the whole help,
// every binding and the filter syntax, is on one screen.
func TestHelpFits80x24(t *testing.T) {
	src := newFakeSource()
	m := press(feed(testModel(t, src, 80, 24), src, 40), "?")
	v := m.View()
	checkFrame(t, v, 80, 24)
	for _, e := range helpEntries() {
		if !hasEntry(v, e[0], e[1]) {
			t.Errorf("80×24 help lacks %q %q:\n%s", e[0], e[1], v)
		}
	}
	for _, want := range []string{"pid:1234", "/ again edits the filter", "RSS ↑ growing ↓ shrinking"} {
		if !strings.Contains(v, want) {
			t.Errorf("80×24 help lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "scroll") || strings.Contains(v, "…") {
		t.Errorf("80×24 help is cut or scrolls:\n%s", v)
	}
}

// TestHelpScrollsWhenTaller: at the minimum size the help scrolls with the
// movement keys, and every binding can be reached.
func TestHelpScrollsWhenTaller(t *testing.T) {
	src := newFakeSource()
	m := press(feed(testModel(t, src, minWidth, minHeight), src, 40), "?")
	seen := map[[2]string]bool{}
	v := m.View()
	if !strings.Contains(v, "↓ more") {
		t.Fatalf("no scroll hint at %d×%d:\n%s", minWidth, minHeight, v)
	}
	for range 40 { // bounded: far more lines than the help has
		checkFrame(t, v, minWidth, minHeight)
		for _, e := range helpEntries() {
			if hasEntry(v, e[0], e[1]) {
				seen[e] = true
			}
		}
		if strings.Contains(v, " end") {
			break
		}
		m = press(m, "j")
		v = m.View()
	}
	for _, e := range helpEntries() {
		if !seen[e] {
			t.Errorf("%q %q never shown while scrolling the help", e[0], e[1])
		}
	}
	if !strings.Contains(v, "✗ errored") {
		t.Errorf("the end of the help was not reached:\n%s", v)
	}
	if m = press(m, "g"); m.helpTop != 0 || !strings.Contains(m.View(), "tab       next pane") {
		t.Errorf("g did not go back to the top:\n%s", m.View())
	}
	// the help's movement keys do not move the panes behind it
	sel := m.requests.list.sel
	if m = press(m, "j", "esc"); m.showHelp || m.requests.list.sel != sel {
		t.Errorf("help open %v, selection %d → %d", m.showHelp, sel, m.requests.list.sel)
	}
}
