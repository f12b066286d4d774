//go:build !linux

package watch

// remoteFS detects network filesystems on Linux only; elsewhere the native
// backends (kqueue, ReadDirectoryChangesW) are trusted.
func remoteFS(dir string) string { return "" }

// inotifyLimit is Linux-only; 0 means unknown.
func inotifyLimit(name string) int { return 0 }
