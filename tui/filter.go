package tui

import (
	"strconv"
	"strings"

	"github.com/phprun/phprun/httpfront/access"
)

// filter is a parsed `/` query. Terms are separated by spaces and must all
// match; a leading "!" negates a term. For requests:
//
//	404 or status:404   status equals 404
//	4xx or status:4xx   status class
//	GET or method:get   method (bare words only for the standard methods)
//	path:/api or /api   path (and query) contains, case-insensitive
//
// For logs every term is a case-insensitive substring of the message, the
// level or the source, and pid:123 matches one worker.
type filter struct {
	raw   string
	terms []term
}

type termField uint8

const (
	fieldText termField = iota // path for requests, message for logs
	fieldStatus
	fieldMethod
	fieldPID
)

type term struct {
	field  termField
	neg    bool
	text   string // lower-cased for text terms, upper-cased for methods
	word   string // the term as typed, lower-cased, without "!"
	lo, hi int    // status range, or pid in lo
}

var httpMethods = map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true,
	"DELETE": true, "HEAD": true, "OPTIONS": true, "CONNECT": true, "TRACE": true}

func parseFilter(s string) filter {
	f := filter{raw: strings.TrimSpace(s)}
	for _, w := range strings.Fields(s) {
		t := term{}
		if strings.HasPrefix(w, "!") && len(w) > 1 {
			t.neg, w = true, w[1:]
		}
		t.word = strings.ToLower(w)
		name, val, hasField := strings.Cut(w, ":")
		switch {
		case hasField && (name == "status" || name == "s"):
			if lo, hi, ok := parseStatus(val); ok {
				t.field, t.lo, t.hi = fieldStatus, lo, hi
			} else {
				t.text = strings.ToLower(w)
			}
		case hasField && (name == "method" || name == "m"):
			t.field, t.text = fieldMethod, strings.ToUpper(val)
		case hasField && name == "path":
			t.text = strings.ToLower(val)
		case hasField && name == "pid":
			if pid, err := strconv.Atoi(val); err == nil {
				t.field, t.lo = fieldPID, pid
			} else {
				t.text = strings.ToLower(w)
			}
		default:
			if lo, hi, ok := parseStatus(w); ok {
				t.field, t.lo, t.hi = fieldStatus, lo, hi
			} else if httpMethods[strings.ToUpper(w)] {
				t.field, t.text = fieldMethod, strings.ToUpper(w)
			} else {
				t.text = strings.ToLower(w)
			}
		}
		f.terms = append(f.terms, t)
	}
	return f
}

// parseStatus reads "404" or "4xx" into an inclusive range.
func parseStatus(s string) (lo, hi int, ok bool) {
	if len(s) != 3 || s[0] < '1' || s[0] > '5' {
		return 0, 0, false
	}
	if strings.EqualFold(s[1:], "xx") {
		c := int(s[0]-'0') * 100
		return c, c + 99, true
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, 0, false
	}
	return n, n, true
}

func (f filter) empty() bool { return len(f.terms) == 0 }

// matchRequest reports whether r passes every term.
func (f filter) matchRequest(r *access.Record) bool {
	for _, t := range f.terms {
		var ok bool
		switch t.field {
		case fieldStatus:
			ok = r.Status >= t.lo && r.Status <= t.hi
		case fieldMethod:
			ok = strings.EqualFold(r.Method, t.text)
		case fieldPID:
			ok = r.PID == t.lo
		default:
			ok = containsFold(r.Path, t.text) || (r.Query != "" && containsFold(r.Query, t.text))
		}
		if ok == t.neg {
			return false
		}
	}
	return true
}

// matchLog reports whether l passes every term. Status and method terms
// make no sense for log lines and are matched as text.
func (f filter) matchLog(l *logLine) bool {
	for _, t := range f.terms {
		var ok bool
		switch t.field {
		case fieldPID:
			ok = l.pid == t.lo
		default:
			ok = containsFold(l.text, t.word) || containsFold(l.source, t.word) ||
				containsFold(l.level, t.word) || (l.pid != 0 && strconv.Itoa(l.pid) == t.word)
		}
		if ok == t.neg {
			return false
		}
	}
	return true
}

// containsFold reports whether s contains lower (already lower-case),
// ignoring case, without allocating for ASCII input.
func containsFold(s, lower string) bool {
	if lower == "" {
		return true
	}
	n := len(lower)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}
