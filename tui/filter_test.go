package tui

import (
	"testing"

	"github.com/phprun/phprun/engine"
)

func TestFilterRequestMatching(t *testing.T) {
	recs := []engine.AccessRecord{
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
