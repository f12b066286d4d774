package watch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// maxUnreadable caps how many unreadable subdirectories Info lists.
const maxUnreadable = 10

// fileState is what tells two versions of a file apart without reading it.
// Polling compares it between walks; fsnotify mode keeps it too, so changes
// it could not be told about (queue overflow, a switch to polling) are found
// by comparing a fresh walk with it.
type fileState struct {
	mtime int64 // UnixNano
	size  int64
	mode  fs.FileMode
}

func stateOf(fi fs.FileInfo) fileState {
	return fileState{mtime: fi.ModTime().UnixNano(), size: fi.Size(), mode: fi.Mode()}
}

// snapshot is one view of the watched trees: every watched directory and
// every matching file in them, by absolute path.
type snapshot struct {
	dirs       map[string]struct{}
	files      map[string]fileState
	unreadable []string // at most maxUnreadable subdirectories that could not be listed
}

func newSnapshot() *snapshot {
	return &snapshot{dirs: make(map[string]struct{}), files: make(map[string]fileState)}
}

// walk adds the tree under dir (a directory that is not ignored) to s.
// visit, if not nil, is called for each directory before its entries are
// read, which is how fsnotify mode adds a watch first and then lists, so a
// file created meanwhile is seen either by the listing or by an event. A
// directory visit cannot find or may not read is skipped; any other error
// from visit stops the walk and is returned. Anything the filesystem does
// meanwhile (entries vanishing, unreadable subdirectories) is not an error.
//
// dir itself may be a symbolic link (a watched root often is); links below
// it are not followed into, so a link cycle cannot make the walk unbounded.
// Recursion depth is bounded by the path length limit.
func (s *snapshot) walk(m *matcher, dir string, visit func(dir string) error) error {
	if visit != nil {
		switch err := visit(dir); {
		case err == nil:
		case errors.Is(err, fs.ErrNotExist):
			return nil
		case errors.Is(err, fs.ErrPermission):
			s.noteUnreadable(dir)
			return nil
		default:
			return err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		s.noteUnreadable(dir)
		// Still record it: with a watch on it, its becoming readable is an
		// event; without one, polling retries it each walk anyway.
	}
	s.dirs[dir] = struct{}{}
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		if m.ignored(p, name) {
			continue
		}
		if e.IsDir() {
			if err := s.walk(m, p, visit); err != nil {
				return err
			}
			continue
		}
		if !m.matches(p, name) {
			continue
		}
		if fi, ok := statFile(p, e.Type()); ok {
			s.files[p] = stateOf(fi)
		}
	}
	return nil
}

// statFile returns the state that identifies a version of a regular file
// (following a symbolic link, so a linked file's edits show) and false for
// anything else or anything gone.
func statFile(p string, typ fs.FileMode) (fs.FileInfo, bool) {
	var fi fs.FileInfo
	var err error
	if typ&fs.ModeSymlink != 0 {
		fi, err = os.Stat(p)
	} else {
		fi, err = os.Lstat(p)
	}
	if err != nil || !fi.Mode().IsRegular() {
		return nil, false
	}
	return fi, true
}

func (s *snapshot) noteUnreadable(p string) {
	if len(s.unreadable) < maxUnreadable {
		s.unreadable = append(s.unreadable, p)
	}
}

// removeTree forgets dir and everything below it, returning the matching
// files that were known there.
func (s *snapshot) removeTree(dir string) (dirs, files []string) {
	prefix := dir + string(filepath.Separator)
	for d := range s.dirs {
		if d == dir || hasPrefix(d, prefix) {
			delete(s.dirs, d)
			dirs = append(dirs, d)
		}
	}
	for f := range s.files {
		if hasPrefix(f, prefix) {
			delete(s.files, f)
			files = append(files, f)
		}
	}
	return dirs, files
}

func hasPrefix(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

// diffFiles returns the paths created, removed or changed between old and
// cur, sorted.
func diffFiles(old, cur map[string]fileState) []string {
	var changed []string
	for p, st := range cur {
		if prev, ok := old[p]; !ok || prev != st {
			changed = append(changed, p)
		}
	}
	for p := range old {
		if _, ok := cur[p]; !ok {
			changed = append(changed, p)
		}
	}
	sort.Strings(changed)
	return changed
}
