package config

import (
	"fmt"
	"strings"
)

// lookupFunc reads one environment variable; ok is false when it is unset.
// The loader passes a view of the process environment merged with the
// .env file, so expansion is testable without touching os.Environ.
type lookupFunc func(name string) (value string, ok bool)

// expandEnv substitutes environment references in s, as RoadRunner does for
// every string of its config (PROTOCOL.md 5.1):
//
//	$VAR, ${VAR}       the value, or "" when VAR is unset
//	${VAR:-default}    the value, or default when VAR is unset or empty;
//	                   default may itself contain references
//
// A "$" not followed by a name or "{" stays as it is ("price: 5$"). Unlike
// RoadRunner, each reference is expanded on its own: RR empties a whole value
// that mixes "${X:-d}" with a plain "$Y", a quirk nobody relies on on purpose.
// An unterminated "${" or a reference that is not a variable name is an
// error, because silently keeping or dropping it hides a typo.
func expandEnv(s string, lookup lookupFunc) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		next := s[i+1]
		switch {
		case next == '{':
			end := closingBrace(s, i+2)
			if end < 0 {
				return "", fmt.Errorf("unterminated %q in %q", s[i:], s)
			}
			v, err := expandBraced(s[i+2:end], lookup)
			if err != nil {
				return "", fmt.Errorf("%w in %q", err, s)
			}
			b.WriteString(v)
			i = end
		case isNameStart(next):
			j := i + 1
			for j < len(s) && isNameChar(s[j]) {
				j++
			}
			v, _ := lookup(s[i+1 : j])
			b.WriteString(v)
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// expandBraced expands the inside of "${...}": NAME or NAME:-default.
func expandBraced(inner string, lookup lookupFunc) (string, error) {
	name, def, hasDefault := strings.Cut(inner, ":-")
	if !isName(name) {
		return "", fmt.Errorf("${%s}: %q is not a variable name (want ${NAME} or ${NAME:-default})", inner, name)
	}
	v, ok := lookup(name)
	if hasDefault && (!ok || v == "") {
		return expandEnv(def, lookup)
	}
	return v, nil
}

// closingBrace returns the index of the "}" that closes the "${" whose body
// starts at from, allowing nested "${...}" in a default; -1 if none.
func closingBrace(s string, from int) int {
	depth := 0
	for i := from; i < len(s); i++ {
		switch {
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			depth++
			i++
		case s[i] == '}':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

func isName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isNameChar(s[i]) {
			return false
		}
	}
	return true
}

func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameChar(c byte) bool  { return isNameStart(c) || c >= '0' && c <= '9' }
