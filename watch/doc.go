// Package watch tells `phprun dev` when the PHP application changed, so the
// workers can be reloaded.
//
// A Watcher watches a set of directory trees (Config.Dirs) for files whose
// names match Config.Patterns, skipping Config.Ignore (vendor/, .git/, ...),
// and emits one Batch of changed paths once the tree has been quiet for
// Config.Debounce: a `git checkout` touching 500 files is one reload, not 500.
//
// It uses inotify (through fsnotify) and falls back to polling mtime and
// size snapshots, automatically and with a stated reason, when events cannot
// be delivered: inotify unavailable, the per-user watch limit reached, or a
// network filesystem that never reports remote changes. Info says which
// method is in use and how many directories and files are watched.
//
// The package imports no other phprun package; main wires batches to the
// pool's reload.
package watch
