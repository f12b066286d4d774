package tui

// list is the cursor of a scrollable pane: the selected row, the first
// visible row, and whether the pane follows new rows as `tail -f` does.
// Rows are indexes into whatever the pane shows (after filtering).
type list struct {
	sel, top int
	follow   bool
	height   int // visible rows
}

// clamp keeps sel and top valid for n rows and sel visible.
func (l *list) clamp(n int) {
	if n == 0 {
		l.sel, l.top = 0, 0
		return
	}
	if l.follow {
		l.sel = n - 1
	}
	l.sel = min(max(l.sel, 0), n-1)
	h := max(l.height, 1)
	if l.sel < l.top {
		l.top = l.sel
	}
	if l.sel >= l.top+h {
		l.top = l.sel - h + 1
	}
	l.top = min(max(l.top, 0), max(n-h, 0))
}

// move moves the selection by delta rows. Reaching the last row resumes
// following; leaving it stops.
func (l *list) move(delta, n int) {
	if n == 0 {
		return
	}
	l.sel = min(max(l.sel+delta, 0), n-1)
	l.follow = l.sel == n-1
	l.clamp(n)
}

func (l *list) page(dir, n int) { l.move(dir*max(l.height-1, 1), n) }

func (l *list) home(n int) { l.follow = false; l.sel = 0; l.clamp(n) }

func (l *list) end(n int) { l.follow = true; l.clamp(n) }

// dropped tells the list that k rows were removed from the front.
func (l *list) dropped(k, n int) {
	l.sel -= k
	l.top -= k
	l.clamp(n)
}

// window returns the visible row range [from, to) for n rows.
func (l *list) window(n int) (from, to int) {
	return l.top, min(l.top+max(l.height, 0), n)
}
