package tui

import (
	"strings"
	"testing"

	"github.com/phprun/phprun/httpfront/access"
)

func TestFilterRequestMatching(t *testing.T) {
	recs := []access.Record{
		{Method: "GET", Path: "/api/Users", Status: 200, PID: 1},
		{Method: "POST", Path: "/login", Status: 302, PID: 2},
		{Method: "GET", Path: "/health", Status: 503, PID: 1},
		{Method: "DELETE", Path: "/api/users/1", Query: "force=1", Status: 404, PID: 3},
	}
	for _, tc := range []struct {
		q    string
		want []int // indexes of matching records
	}{
		{"", []int{0, 1, 2, 3}},
		{"api", []int{0, 3}},
		{"/API/users", []int{0, 3}}, // case-insensitive
		{"404", []int{3}},
		{"5xx", []int{2}},
		{"status:3XX", []int{1}},
		{"s:200", []int{0}},
		{"get", []int{0, 2}},
		{"method:delete", []int{3}},
		{"GET !/health", []int{0}},
		{"!2xx !3xx", []int{2, 3}},
		{"pid:1", []int{0, 2}},
		{"force", []int{3}}, // query is searched too
		{"path:404", nil},   // explicit path term, not a status
		{"api 4xx", []int{3}},
		{"status:abc", nil}, // not a status: text that matches nothing
	} {
		f := parseFilter(tc.q)
		var got []int
		for i := range recs {
			if f.matchRequest(&recs[i]) {
				got = append(got, i)
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("%q matched %v, want %v", tc.q, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q matched %v, want %v", tc.q, got, tc.want)
				break
			}
		}
	}
}

func TestFilterLogs(t *testing.T) {
	lines := []logLine{
		{pid: 10, level: "out", source: "http", text: "PHP Warning: Undefined index"},
		{pid: 0, level: "error", source: "phprun", text: "reload failed"},
		{pid: 11, level: "event", source: "http", text: "worker stopped: exit status 255"},
	}
	for _, tc := range []struct {
		q    string
		want int
	}{
		{"warning", 1},
		{"phprun", 1}, // source
		{"pid:10", 1},
		{"11", 1}, // a bare number matches a PID
		{"255", 1},
		{"!http", 1},
		{"xyz", 0},
	} {
		f := parseFilter(tc.q)
		n := 0
		for i := range lines {
			if f.matchLog(&lines[i]) {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("%q matched %d lines, want %d", tc.q, n, tc.want)
		}
	}
}

// TestFilterReopenEdits: `/` on an active filter edits it (k9s, lazygit):
// the prompt holds the filter and a space, the cursor at the end, so what
// is typed next is a new term and not glued onto the last one.
func TestFilterReopenEdits(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 40)
	m = press(m, "2", "/", "5", "x", "x", "enter", "/")
	if v := m.View(); !strings.Contains(v, "/5xx _") {
		t.Fatalf("reopened prompt does not hold the filter with the cursor after a space:\n%s", v)
	}
	m = press(m, "!", "5", "0", "3", "enter")
	if got := m.requests.filter.raw; got != "5xx !503" {
		t.Fatalf("filter = %q, want %q", got, "5xx !503")
	}
	want := 0
	for _, r := range sampleRecords(t0, 40) {
		if r.Status >= 500 && r.Status != 503 {
			want++
		}
	}
	if len(m.requests.shown) != want || want == 0 {
		t.Fatalf("%d rows shown, want %d", len(m.requests.shown), want)
	}
	// The cursor moves: home, then a "!" in front negates the first term.
	m = press(m, "/", "home", "!", "enter")
	if got := m.requests.filter.raw; got != "!5xx !503" {
		t.Fatalf("after home and !: filter = %q", got)
	}
	// left, backspace and delete edit in the middle; ctrl+u clears.
	m = press(m, "/", "left", "left", "backspace", "enter")
	if got := m.requests.filter.raw; got != "!5xx !53" {
		t.Fatalf("after left left backspace: filter = %q", got)
	}
	m = press(m, "/", "home", "delete", "enter")
	if got := m.requests.filter.raw; got != "5xx !53" {
		t.Fatalf("after home delete: filter = %q", got)
	}
	m = press(m, "/", "ctrl+u", "enter")
	if m.requests.filter.raw != "" || len(m.requests.shown) != 40 {
		t.Fatalf("ctrl+u did not clear: %q, %d shown", m.requests.filter.raw, len(m.requests.shown))
	}
}

func TestLineInputCursor(t *testing.T) {
	var in lineInput
	in.edit("  404  ")
	if in.String() != "404 " || in.pos != 4 {
		t.Fatalf("edit: %q at %d", in.String(), in.pos)
	}
	in.edit("")
	if in.String() != "" || in.pos != 0 {
		t.Fatalf("edit of nothing: %q at %d", in.String(), in.pos)
	}
	in.edit("GET /api")
	in.update(keyMsg("ctrl+w")) // the word before the cursor, with its space
	if in.String() != "GET " || in.pos != 4 {
		t.Fatalf("ctrl+w: %q at %d", in.String(), in.pos)
	}
	for range 10 {
		in.update(keyMsg("left")) // stops at 0
	}
	in.update(keyMsg("right"))
	in.update(keyMsg("x"))
	if in.String() != "GxET " || in.pos != 2 {
		t.Fatalf("insert in the middle: %q at %d", in.String(), in.pos)
	}
}
