package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// limitAfter adds real watches until n have been added, then fails like an
// exhausted fs.inotify.max_user_watches. The real limit is per user and
// shared by the whole machine, so it cannot be lowered for a test.
func limitAfter(n int64) hooks {
	var added atomic.Int64
	return hooks{addWatch: func(fsw *fsnotify.Watcher, dir string) error {
		if added.Add(1) > n {
			return syscall.ENOSPC
		}
		return fsw.Add(dir)
	}}
}

func TestWatchLimitAtStartFallsBackToPolling(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"a/a.php": "", "b/b.php": "", "c/c.php": ""})
	w, err := newWatcher(root, testConfig(), limitAfter(2))
	if err != nil {
		t.Fatal(err)
	}
	run(t, w)
	i := w.Info()
	if i.Method != MethodPoll || !strings.Contains(i.Reason, "inotify watch limit reached: 4 dirs to watch") ||
		!strings.Contains(i.Reason, "max_user_watches") || i.Dirs != 4 || i.Files != 3 {
		t.Fatalf("Info = %+v, want polling with the limit as reason", i)
	}
	write(t, filepath.Join(root, "c/c.php"), "changed")
	if b := nextBatch(t, w); !slices.Equal(b.Paths, []string{"c/c.php"}) {
		t.Fatalf("Paths = %v", b.Paths)
	}
}

func TestWatchLimitAtRuntimeFallsBackWithoutLosingChanges(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"a.php": ""})
	w, err := newWatcher(root, testConfig(), limitAfter(1)) // the root only
	if err != nil {
		t.Fatal(err)
	}
	run(t, w)
	if m := w.Info().Method; m != MethodFSNotify {
		t.Fatalf("Method = %s before the limit is hit", m)
	}
	write(t, filepath.Join(root, "new/x.php"), "<?php")
	collect(t, w, "new/x.php")
	if i := w.Info(); i.Method != MethodPoll || !strings.Contains(i.Reason, "watch limit") {
		t.Fatalf("Info = %+v, want polling with the limit as reason", i)
	}
	write(t, filepath.Join(root, "new/y.php"), "<?php")
	collect(t, w, "new/y.php")
}

func TestWatchedDirRemovedFallsBackToPolling(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"app/a.php": "", "app/sub/b.php": ""})
	cfg := testConfig()
	cfg.Dirs = []string{"app"}
	w := start(t, root, cfg)

	app := filepath.Join(root, "app")
	if err := os.RemoveAll(app); err != nil {
		t.Fatal(err)
	}
	collect(t, w, "app/a.php", "app/sub/b.php")
	if i := w.Info(); i.Method != MethodPoll || !strings.Contains(i.Reason, "was removed") {
		t.Fatalf("Info = %+v, want polling because app was removed", i)
	}
	write(t, filepath.Join(app, "a.php"), "back")
	collect(t, w, "app/a.php")
}

// TestQueueOverflowResyncs fills the kernel queue while nothing reads it,
// then creates a file whose event is dropped: only the re-walk after the
// overflow can report it.
func TestQueueOverflowResyncs(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"a.php": "", "b.php": ""})
	w, err := New(root, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	queue := inotifyLimit("max_queued_events")
	if queue == 0 || queue > 1<<16 {
		w.Close()
		t.Skipf("inotify queue size %d: unknown or too big to fill quickly", queue)
	}
	// Alternate two files so the kernel cannot merge consecutive events;
	// fsnotify's reader holds up to 4096 more before it blocks on Run.
	a, b := filepath.Join(root, "a.php"), filepath.Join(root, "b.php")
	for i := range queue + 4096 + 100 {
		mode := os.FileMode(0o644)
		if i%4 >= 2 {
			mode = 0o600
		}
		p := a
		if i%2 == 1 {
			p = b
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(root, "lost.php"), "<?php")
	run(t, w)
	collect(t, w, "lost.php")
	if m := w.Info().Method; m != MethodFSNotify {
		t.Errorf("Method = %s after an overflow, want fsnotify kept", m)
	}
	// Still watching with inotify after the resync.
	write(t, filepath.Join(root, "after.php"), "<?php")
	collect(t, w, "after.php")
}

func TestInfoString(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   Info
		want string
	}{
		{Info{Method: MethodFSNotify, Dirs: 87, Files: 412}, "watching 412 files in 87 dirs with fsnotify"},
		{Info{Method: MethodPoll, Reason: "forced by watch.poll", Interval: time.Second, Dirs: 1, Files: 2},
			"watching 2 files in 1 dirs with poll every 1s (forced by watch.poll)"},
		{Info{Method: MethodFSNotify, Dirs: 1, Unreadable: []string{"/p/x"}},
			"watching 0 files in 1 dirs with fsnotify; cannot read 1 dirs, e.g. /p/x"},
	} {
		if got := c.in.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}

func TestFSNotifyUnavailableFallsBackToPolling(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"a.php": ""})
	// What fsnotify returns once the user's inotify instances are used up.
	h := hooks{newFSNotify: func() (*fsnotify.Watcher, error) {
		return nil, fmt.Errorf("couldn't initialize inotify: %w", syscall.EMFILE)
	}}
	w, err := newWatcher(root, testConfig(), h)
	if err != nil {
		t.Fatal(err)
	}
	run(t, w)
	if i := w.Info(); i.Method != MethodPoll || !strings.Contains(i.Reason, "max_user_instances") ||
		!strings.Contains(i.Reason, "too many open files") || i.Files != 1 {
		t.Fatalf("Info = %+v, want polling naming the instance limit", i)
	}
	write(t, filepath.Join(root, "a.php"), "changed")
	if b := nextBatch(t, w); !slices.Equal(b.Paths, []string{"a.php"}) {
		t.Fatalf("Paths = %v", b.Paths)
	}
}
