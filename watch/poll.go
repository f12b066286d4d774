package watch

// poll walks every tree and reports the matching files whose mtime, size or
// mode changed, appeared or vanished since the previous walk. Its work is
// bounded by the directories that are not ignored; ignored ones are never
// listed.
func (w *Watcher) poll() {
	fresh := newSnapshot()
	for _, r := range w.roots {
		_ = fresh.walk(w.m, r, nil) // walk without visit cannot fail
	}
	w.changed(diffFiles(w.snap.files, fresh.files)...)
	w.snap = fresh
	w.publishInfo()
}
