package tui

import (
	"fmt"
	"sort"
)

// store keeps the last max rows of a stream pane (requests, logs) with the
// indexes of those passing the filter, and holds new rows back while the
// pane is paused. The list cursor follows the filtered rows.
type store[T any] struct {
	w, h    int    // the pane's outer size, title line included
	filter  filter // what the user typed after /
	max     int
	items   []T   // oldest first
	shown   []int // indexes into items that pass match, ascending
	pending []T   // arrived while paused
	paused  bool
	match   func(*T) bool // nil passes everything
	list    list
}

func newStore[T any](maxRows int) store[T] {
	return store[T]{max: max(maxRows, 1), list: list{follow: true}}
}

// SetSize sets the pane's outer size (title line included).
func (s *store[T]) SetSize(w, h int) {
	s.w, s.h = w, h
	s.list.height = max(h-2, 0)
	s.list.clamp(len(s.shown))
}

// applyFilter keeps f and shows only the rows match passes; an empty
// filter shows every row.
func (s *store[T]) applyFilter(f filter, match func(*T) bool) {
	s.filter = f
	if f.empty() {
		match = nil
	}
	s.setMatch(match)
}

func (s *store[T]) pass(t *T) bool { return s.match == nil || s.match(t) }

// add appends rows (or holds them while paused), dropping the oldest
// beyond max a quarter at a time so the copying is amortised.
func (s *store[T]) add(rows ...T) {
	if len(rows) == 0 {
		return
	}
	if s.paused {
		s.pending = append(s.pending, rows...)
		if over := len(s.pending) - s.max; over > 0 {
			s.pending = append([]T(nil), s.pending[over:]...)
		}
		return
	}
	start := len(s.items)
	s.items = append(s.items, rows...)
	for i := start; i < len(s.items); i++ {
		if s.pass(&s.items[i]) {
			s.shown = append(s.shown, i)
		}
	}
	if len(s.items) > s.max {
		drop := min(len(s.items)-s.max+s.max/4, len(s.items))
		s.items = append([]T(nil), s.items[drop:]...)
		k := sort.SearchInts(s.shown, drop) // shown rows that were dropped
		shown := make([]int, 0, len(s.shown)-k)
		for _, i := range s.shown[k:] {
			shown = append(shown, i-drop)
		}
		s.shown = shown
		s.list.dropped(k, len(s.shown))
	}
	s.list.clamp(len(s.shown))
}

// setMatch changes the filter and recomputes the shown rows; the cursor
// goes back to following the newest.
func (s *store[T]) setMatch(match func(*T) bool) {
	s.match = match
	s.shown = make([]int, 0, len(s.items)) // not shown[:0]: older copies of the model keep theirs
	for i := range s.items {
		if s.pass(&s.items[i]) {
			s.shown = append(s.shown, i)
		}
	}
	s.list.follow = true
	s.list.clamp(len(s.shown))
}

func (s *store[T]) setPaused(on bool) {
	s.paused = on
	if !on {
		pend := s.pending
		s.pending = nil
		s.add(pend...)
	}
}

func (s *store[T]) selected() (T, bool) {
	if s.list.sel < len(s.shown) {
		return s.items[s.shown[s.list.sel]], true
	}
	var zero T
	return zero, false
}

// visible returns the rows in the window with their shown-index.
func (s *store[T]) visible() (rows []*T, first int) {
	from, to := s.list.window(len(s.shown))
	for i := from; i < to; i++ {
		rows = append(rows, &s.items[s.shown[i]])
	}
	return rows, from
}

// streamHead describes the chrome of a stream pane for head.
type streamHead struct {
	num, w, h int
	name      string
	focused   bool
	filter    filter
	lost      uint64 // rows lost before the pane saw them
	lostWord  string // "dropped", "skipped"
	empty     string // shown before the first row
	noMatch   string // shown when the filter hides every row
	cols      []column
}

// head renders the pane's title (row counts, filter, losses, pause state)
// and column header, plus the placeholder line when no row is shown. done
// reports that the pane has no room for more.
func (s *store[T]) head(st styles, c streamHead) (lines []string, done bool) {
	extra := fmt.Sprintf("%d", len(s.items))
	if !s.filter.empty() {
		extra = fmt.Sprintf("%d/%d  filter: %s", len(s.shown), len(s.items), s.filter.raw)
	}
	extra = st.dim.Render(extra)
	if c.lost > 0 {
		extra += " " + st.warn.Render(fmt.Sprintf("%d %s", c.lost, c.lostWord))
	}
	if s.paused {
		extra += " " + st.warn.Render(fmt.Sprintf("⏸ paused (+%d)", len(s.pending)))
	}
	lines = []string{paneTitle(st, c.num, c.name, extra, c.focused, s.w)}
	if s.h < 2 {
		return lines, true
	}
	lines = append(lines, headerRow(st, c.cols))
	if len(s.shown) == 0 {
		msg := c.empty
		if len(s.items) > 0 {
			msg = c.noMatch
		}
		lines = append(lines, st.dim.Render(msg))
	}
	return lines, false
}
