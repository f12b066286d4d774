package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/fsnotify/fsnotify"
)

// startNotify opens an fsnotify watcher and adds a watch on every directory
// that is not ignored. Its error is the reason to poll instead.
func (w *Watcher) startNotify() error {
	openFSW := fsnotify.NewWatcher
	if w.hooks.newFSNotify != nil {
		openFSW = w.hooks.newFSNotify
	}
	fsw, err := openFSW()
	if err != nil {
		if errors.Is(err, syscall.EMFILE) {
			return fmt.Errorf("cannot start inotify: too many inotify instances or open files "+
				"(fs.inotify.max_user_instances is %d per user): %v", inotifyLimit("max_user_instances"), err)
		}
		return fmt.Errorf("cannot start fsnotify: %v", err)
	}
	snap := newSnapshot()
	for _, r := range w.roots {
		if err = snap.walk(w.m, r, func(dir string) error { return w.addWatch(fsw, dir) }); err != nil {
			break
		}
	}
	if err != nil {
		fsw.Close()
		return w.addFailure(err)
	}
	w.snap = snap
	w.mu.Lock()
	w.fsw = fsw
	w.info = Info{Method: MethodFSNotify}
	w.mu.Unlock()
	w.publishInfo()
	return nil
}

func (w *Watcher) addWatch(fsw *fsnotify.Watcher, dir string) error {
	if w.hooks.addWatch != nil {
		return w.hooks.addWatch(fsw, dir)
	}
	return fsw.Add(dir)
}

// addFailure turns a failed watch into the reason to poll, with the limit
// and the way to raise it when that is the cause.
func (w *Watcher) addFailure(err error) error {
	if !errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("cannot watch with inotify: %v", err)
	}
	need := newSnapshot()
	for _, r := range w.roots {
		_ = need.walk(w.m, r, nil) // walk without visit cannot fail
	}
	limit := "unknown"
	if n := inotifyLimit("max_user_watches"); n > 0 {
		limit = fmt.Sprint(n)
	}
	return fmt.Errorf("inotify watch limit reached: %d dirs to watch, fs.inotify.max_user_watches is %s "+
		"for all of this user's programs; raise it (sysctl fs.inotify.max_user_watches=524288), "+
		"add big dirs to watch.ignore, or set watch.poll: true", len(need.dirs), limit)
}

// startPolling switches to polling for reason, with a fresh snapshot as the
// baseline. Changes between the old snapshot (if any) and the fresh one are
// reported, so nothing inotify had not delivered yet is lost.
func (w *Watcher) startPolling(reason string) {
	fresh := newSnapshot()
	for _, r := range w.roots {
		_ = fresh.walk(w.m, r, nil)
	}
	if w.snap != nil {
		w.changed(diffFiles(w.snap.files, fresh.files)...)
	}
	w.snap = fresh
	w.mu.Lock()
	if w.fsw != nil {
		w.fsw.Close()
		w.fsw = nil
	}
	w.info = Info{Method: MethodPoll, Reason: reason, Interval: w.cfg.PollInterval}
	w.mu.Unlock()
	w.publishInfo()
}

// fallback gives up on fsnotify while running.
func (w *Watcher) fallback(reason string) {
	select {
	case <-w.closed:
		return // Close made fsnotify stop; Run is about to return
	default:
	}
	w.startPolling(reason)
}

// handleError reacts to an fsnotify error. A queue overflow means events
// were dropped: re-walk and report what differs, but keep inotify, since a
// burst is no reason to poll forever. Anything else means events can no
// longer be trusted.
func (w *Watcher) handleError(err error) {
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		w.resync()
		return
	}
	w.fallback(fmt.Sprintf("inotify failed: %v", err))
}

// resync re-walks every tree, adding watches for directories the lost
// events would have announced, dropping vanished ones, and reporting files
// that differ from what was known.
func (w *Watcher) resync() {
	fresh := newSnapshot()
	for _, r := range w.roots {
		err := fresh.walk(w.m, r, func(dir string) error {
			if _, ok := w.snap.dirs[dir]; ok {
				return nil
			}
			return w.addWatch(w.fsw, dir)
		})
		if err != nil {
			w.fallback(w.addFailure(err).Error())
			return
		}
	}
	for d := range w.snap.dirs {
		if _, ok := fresh.dirs[d]; !ok {
			_ = w.fsw.Remove(d) // usually gone with the directory already
		}
	}
	w.changed(diffFiles(w.snap.files, fresh.files)...)
	w.snap = fresh
	w.publishInfo()
}

// handleEvent updates the snapshot for one event and records the matching
// files it changed. The event's directory is watched, so it is not ignored;
// only the entry itself needs checking.
func (w *Watcher) handleEvent(ev fsnotify.Event) {
	p := filepath.Clean(ev.Name)
	name := filepath.Base(p)
	if !w.isRoot(p) && w.m.ignored(p, name) {
		return
	}
	fi, err := os.Lstat(p)
	exists := err == nil
	isDir := exists && fi.IsDir()
	defer w.publishInfo()

	if _, known := w.snap.dirs[p]; known && !isDir {
		// Removed or renamed away (or replaced by a file). Subdirectory
		// watches would otherwise keep reporting under the old name.
		dirs, files := w.snap.removeTree(p)
		for _, d := range dirs {
			_ = w.fsw.Remove(d) // usually gone with the directory already
		}
		w.changed(files...)
		if w.isRoot(p) {
			w.fallback(fmt.Sprintf("watched dir %s was removed or renamed; polling until it is back", p))
			return
		}
	}
	if _, known := w.snap.files[p]; known && (!exists || isDir) {
		delete(w.snap.files, p)
		w.changed(p)
	}

	switch {
	case isDir:
		if _, known := w.snap.dirs[p]; !known {
			w.addTree(p)
		}
	case exists:
		if !w.m.matches(p, name) {
			return
		}
		fi, ok := statFile(p, fi.Mode().Type())
		if !ok {
			return
		}
		st := stateOf(fi)
		prev, known := w.snap.files[p]
		w.snap.files[p] = st
		if known && prev == st && !ev.Has(fsnotify.Write) {
			// A chmod/chown that left the content alone, or the create of
			// a file the walk of its new directory already reported. A
			// write always counts: coarse mtimes can hide a same-size edit.
			return
		}
		w.changed(p)
	case errors.Is(err, fs.ErrNotExist):
		// Created and removed before we looked, or removed after being
		// reported: either way a matching name counts.
		if w.m.matches(p, name) {
			w.changed(p)
		}
	}
}

// addTree watches a directory that appeared (created, or moved in with its
// contents) and everything below it. Files already inside are reported:
// `mkdir -p a/b && cp x.php a/b/` finishes before any watch is in place.
func (w *Watcher) addTree(dir string) {
	sub := newSnapshot()
	err := sub.walk(w.m, dir, func(d string) error { return w.addWatch(w.fsw, d) })
	if err != nil {
		w.fallback(w.addFailure(err).Error())
		return
	}
	for d := range sub.dirs {
		w.snap.dirs[d] = struct{}{}
	}
	for p, st := range sub.files {
		if prev, ok := w.snap.files[p]; !ok || prev != st {
			w.changed(p)
		}
		w.snap.files[p] = st
	}
	for _, u := range sub.unreadable {
		w.snap.noteUnreadable(u)
	}
}

func (w *Watcher) isRoot(p string) bool {
	for _, r := range w.roots {
		if p == r {
			return true
		}
	}
	return false
}
