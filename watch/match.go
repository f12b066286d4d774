package watch

import (
	"path/filepath"
	"strings"
)

// matcher decides which paths count (Config.Patterns) and which are never
// looked at (Config.Ignore). It is built once by New and read-only after.
//
// Ignores are checked one path step at a time: the walk and the event
// handler only ever look at an entry whose parent directory is already
// watched, so only the entry's own name (and its full path, for prefix
// ignores) needs checking. A directory listed in Config.Dirs is watched even
// if an ignore would match one of its ancestors: naming it is explicit.
type matcher struct {
	root      string     // absolute, clean project root
	baseGlobs []string   // patterns without a slash, matched against the base name
	pathGlobs [][]string // patterns with a slash, split on "/"
	ignNames  []string   // ignore globs for one path component
	ignRel    [][]string // ignore path prefixes relative to root, split on "/"
	ignAbs    []string   // ignore absolute path prefixes, clean
}

func newMatcher(root string, cfg Config) *matcher {
	m := &matcher{root: root}
	for _, p := range cfg.Patterns {
		p = filepath.ToSlash(p)
		if strings.Contains(p, "/") {
			m.pathGlobs = append(m.pathGlobs, splitRel(p))
		} else {
			m.baseGlobs = append(m.baseGlobs, p)
		}
	}
	for _, p := range cfg.Ignore {
		switch {
		case filepath.IsAbs(p):
			m.ignAbs = append(m.ignAbs, filepath.Clean(p))
		case strings.Contains(strings.Trim(filepath.ToSlash(p), "/"), "/"):
			m.ignRel = append(m.ignRel, splitRel(p))
		default:
			m.ignNames = append(m.ignNames, strings.Trim(filepath.ToSlash(p), "/"))
		}
	}
	return m
}

// splitRel cleans a relative slash path ("./a//b/" → ["a", "b"]).
func splitRel(p string) []string {
	p = strings.Trim(filepath.ToSlash(filepath.Clean(p)), "/")
	if p == "." || p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// rel returns abs relative to the project root, slash-separated. Paths
// outside the root (a watched dir elsewhere) start with "../".
func (m *matcher) rel(abs string) string {
	if r, ok := strings.CutPrefix(abs, m.root); ok && strings.HasPrefix(r, string(filepath.Separator)) {
		return filepath.ToSlash(r[1:])
	}
	r, err := filepath.Rel(m.root, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(r)
}

// ignored reports whether the entry abs (base name name) is excluded.
func (m *matcher) ignored(abs, name string) bool {
	for _, g := range m.ignNames {
		if ok, _ := filepath.Match(g, name); ok {
			return true
		}
	}
	for _, p := range m.ignAbs {
		if abs == p || strings.HasPrefix(abs, p+string(filepath.Separator)) {
			return true
		}
	}
	if len(m.ignRel) > 0 {
		segs := strings.Split(m.rel(abs), "/")
		for _, p := range m.ignRel {
			if len(segs) >= len(p) && globSegs(p, segs[:len(p)]) {
				return true
			}
		}
	}
	return false
}

// matches reports whether the file abs (base name name) is one whose changes
// count.
func (m *matcher) matches(abs, name string) bool {
	for _, g := range m.baseGlobs {
		if ok, _ := filepath.Match(g, name); ok {
			return true
		}
	}
	if len(m.pathGlobs) > 0 {
		segs := strings.Split(m.rel(abs), "/")
		for _, p := range m.pathGlobs {
			if globSegs(p, segs) {
				return true
			}
		}
	}
	return false
}

// globSegs matches path segments against pattern segments, where a "**"
// segment matches zero or more path segments. Backtracking is bounded by
// len(pat)×len(path) because each "**" resumes from one saved position.
func globSegs(pat, path []string) bool {
	star, resume := -1, 0 // last "**" in pat, and the path index it would absorb next
	i, j := 0, 0
	for j < len(path) {
		switch {
		case i < len(pat) && pat[i] == "**":
			star, resume = i, j
			i++
		case i < len(pat) && segMatch(pat[i], path[j]):
			i++
			j++
		case star >= 0:
			resume++
			i, j = star+1, resume
		default:
			return false
		}
	}
	for i < len(pat) && pat[i] == "**" {
		i++
	}
	return i == len(pat)
}

func segMatch(pat, seg string) bool {
	ok, _ := filepath.Match(pat, seg)
	return ok
}
