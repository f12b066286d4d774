package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestChangeEmitsOneBatch(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"src/a.php": "<?php 1;", "src/b.php": "<?php 2;"})
	w := start(t, root, testConfig())

	before := time.Now()
	write(t, filepath.Join(root, "src/a.php"), "<?php 11;")
	b := nextBatch(t, w)
	if !slices.Equal(b.Paths, []string{"src/a.php"}) {
		t.Fatalf("Paths = %v, want [src/a.php]", b.Paths)
	}
	if b.At.Before(before) || time.Since(b.At) > waitLimit {
		t.Errorf("At = %v, want the time of the change (after %v)", b.At, before)
	}
	noBatch(t, w, 150*time.Millisecond)
}

func TestManyFilesOneBatch(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for d := range 10 {
		write(t, filepath.Join(root, fmt.Sprintf("src/m%d/.keep", d)), "")
	}
	cfg := testConfig()
	cfg.Debounce = 150 * time.Millisecond // the default: what `git checkout` meets
	w := start(t, root, cfg)

	var want []string
	for i := range 500 {
		rel := fmt.Sprintf("src/m%d/f%03d.php", i%10, i)
		want = append(want, rel)
		write(t, filepath.Join(root, rel), "<?php")
	}
	slices.Sort(want)
	lastWrite := time.Now()
	b := nextBatch(t, w)
	t.Logf("500 files: first write to batch %v, last write to batch %v",
		time.Since(b.At).Round(time.Millisecond), time.Since(lastWrite).Round(time.Millisecond))
	if !slices.Equal(b.Paths, want) {
		t.Fatalf("got %d paths in the first batch, want all %d in one", len(b.Paths), len(want))
	}
	noBatch(t, w, 300*time.Millisecond)
}

func TestIgnoredDirsProduceNothing(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	root := tree(t, map[string]string{
		"vendor/pkg/a.php":       "",
		"node_modules/x/a.php":   "",
		".git/HEAD.php":          "",
		"var/cache/c.php":        "",
		"storage/logs/l.php":     "",
		"public/uploads/u.php":   "",
		"sub/vendor/deep/v.php":  "",
		"index.php":              "",
		"uploads-abs/up.php":     "",
		"public/not-ignored.php": "",
	})
	cfg := testConfig()
	cfg.Ignore = append(cfg.Ignore, "public/uploads/", filepath.Join(root, "uploads-abs"), outside)
	w := start(t, root, cfg)

	for _, p := range []string{
		"vendor/pkg/a.php", "vendor/new/n.php", "node_modules/x/a.php", ".git/HEAD.php",
		"var/cache/c.php", "storage/logs/l.php", "public/uploads/u.php", "public/uploads/new/n.php",
		"sub/vendor/deep/v.php", "uploads-abs/up.php",
	} {
		write(t, filepath.Join(root, p), "changed")
	}
	noBatch(t, w, 200*time.Millisecond)

	// The watcher is alive: a change outside the ignores is seen, alone.
	write(t, filepath.Join(root, "public/not-ignored.php"), "changed")
	if b := nextBatch(t, w); !slices.Equal(b.Paths, []string{"public/not-ignored.php"}) {
		t.Fatalf("Paths = %v, want only public/not-ignored.php", b.Paths)
	}
}

func TestNewSubdirectoryIsWatched(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"index.php": ""})
	w := start(t, root, testConfig())
	dirs := w.Info().Dirs

	// mkdir -p and a write right after: the file exists before any watch
	// on the new directories can be in place.
	write(t, filepath.Join(root, "new/deep/x.php"), "<?php")
	collect(t, w, "new/deep/x.php")

	// Now the watch is in place: a later file is an event of its own.
	write(t, filepath.Join(root, "new/deep/y.php"), "<?php")
	if b := nextBatch(t, w); !slices.Equal(b.Paths, []string{"new/deep/y.php"}) {
		t.Fatalf("Paths = %v, want [new/deep/y.php]", b.Paths)
	}
	if got := w.Info().Dirs; got != dirs+2 {
		t.Errorf("Info().Dirs = %d, want %d", got, dirs+2)
	}
}

func TestNonMatchingFilesIgnored(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"a.php": ""})
	w := start(t, root, testConfig())
	for _, p := range []string{"notes.txt", "a.php~", ".a.php.swp", "a.php___jb_tmp___", "4913", "style.css"} {
		write(t, filepath.Join(root, p), "x")
	}
	noBatch(t, w, 200*time.Millisecond)

	write(t, filepath.Join(root, "a.php"), "<?php")
	write(t, filepath.Join(root, ".env.local"), "A=1")
	write(t, filepath.Join(root, "config/app.yaml"), "a: 1")
	want := []string{".env.local", "a.php", "config/app.yaml"}
	if got := collect(t, w, want...); !slices.Equal(got, want) {
		t.Fatalf("saw %v, want %v", got, want)
	}
}

func TestRemoveAndRenameDir(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"src/old/a.php": "", "src/old/in/b.php": "", "src/gone/c.php": ""})
	w := start(t, root, testConfig())

	if err := os.Rename(filepath.Join(root, "src/old"), filepath.Join(root, "src/new")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(root, "src/gone")); err != nil {
		t.Fatal(err)
	}
	want := []string{"src/gone/c.php", "src/new/a.php", "src/new/in/b.php", "src/old/a.php", "src/old/in/b.php"}
	if got := collect(t, w, want...); !slices.Equal(got, want) {
		t.Fatalf("saw %v, want %v", got, want)
	}

	// Events under the moved tree carry the new name, not the old one.
	write(t, filepath.Join(root, "src/new/in/b.php"), "<?php 2;")
	if b := nextBatch(t, w); !slices.Equal(b.Paths, []string{"src/new/in/b.php"}) {
		t.Fatalf("Paths = %v, want [src/new/in/b.php]", b.Paths)
	}
	if i := w.Info(); i.Dirs != 4 || i.Files != 2 {
		t.Errorf("Info = %+v, want 4 dirs (., src, src/new, src/new/in) and 2 files", i)
	}
}

func TestPollingDetectsCreateModifyDelete(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"a.php": "<?php", "vendor/v.php": ""})
	cfg := testConfig()
	cfg.Poll = true
	w := start(t, root, cfg)
	if i := w.Info(); i.Method != MethodPoll || i.Reason != "forced by watch.poll" || i.Interval != cfg.PollInterval {
		t.Fatalf("Info = %+v, want forced polling", i)
	}

	write(t, filepath.Join(root, "sub/b.php"), "<?php")
	if b := nextBatch(t, w); !slices.Equal(b.Paths, []string{"sub/b.php"}) {
		t.Fatalf("create: Paths = %v", b.Paths)
	}
	write(t, filepath.Join(root, "a.php"), "<?php echo 1;")
	if b := nextBatch(t, w); !slices.Equal(b.Paths, []string{"a.php"}) {
		t.Fatalf("modify: Paths = %v", b.Paths)
	}
	if err := os.Remove(filepath.Join(root, "sub/b.php")); err != nil {
		t.Fatal(err)
	}
	if b := nextBatch(t, w); !slices.Equal(b.Paths, []string{"sub/b.php"}) {
		t.Fatalf("delete: Paths = %v", b.Paths)
	}
	write(t, filepath.Join(root, "vendor/v.php"), "changed")
	write(t, filepath.Join(root, "readme.txt"), "changed")
	noBatch(t, w, 150*time.Millisecond)
	if i := w.Info(); i.Dirs != 2 || i.Files != 1 {
		t.Errorf("Info = %+v, want 2 dirs and 1 file", i)
	}
}

func TestInfoCounts(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{
		"index.php": "", "src/a.php": "", "src/b.php": "", "src/x/c.yaml": "",
		"src/readme.md": "", "vendor/v.php": "", "vendor/w/w.php": "",
	})
	for _, poll := range []bool{false, true} {
		cfg := testConfig()
		cfg.Poll = poll
		w, err := New(root, cfg)
		if err != nil {
			t.Fatal(err)
		}
		i := w.Info()
		w.Close()
		want := Info{Method: MethodFSNotify, Dirs: 3, Files: 4}
		if poll {
			want = Info{Method: MethodPoll, Reason: "forced by watch.poll", Interval: cfg.PollInterval, Dirs: 3, Files: 4}
		}
		if i.Method != want.Method || i.Reason != want.Reason || i.Interval != want.Interval ||
			i.Dirs != want.Dirs || i.Files != want.Files || len(i.Unreadable) != 0 {
			t.Errorf("poll=%v: Info = %+v, want %+v", poll, i, want)
		}
	}
}

func TestNewRejectsBadDirs(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"file.php": "", "ok/a.php": ""})
	cfg := testConfig()
	cfg.Dirs = []string{"ok", "missing", "file.php"}
	_, err := New(root, cfg)
	if err == nil {
		t.Fatal("New accepted a missing dir and a file")
	}
	for _, want := range []string{
		`watch.dirs "missing"`, filepath.Join(root, "missing"), "no such file or directory",
		`watch.dirs "file.php"`, "is not a directory",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error does not wrap os.ErrNotExist: %v", err)
	}
	if strings.Contains(err.Error(), `"ok"`) {
		t.Errorf("error names the good dir: %v", err)
	}

	cfg.Dirs = []string{"ok"}
	cfg.Debounce = -1
	if _, err := New(root, cfg); err == nil || !strings.Contains(err.Error(), "watch.debounce") {
		t.Errorf("New with a bad config: err = %v, want the Validate error", err)
	}
}

func TestNewRejectsUnreadableDir(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root reads every directory")
	}
	root := tree(t, map[string]string{"locked/a.php": ""})
	locked := filepath.Join(root, "locked")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755) })
	cfg := testConfig()
	cfg.Dirs = []string{"locked"}
	_, err := New(root, cfg)
	if err == nil || !strings.Contains(err.Error(), `watch.dirs "locked"`) || !errors.Is(err, os.ErrPermission) {
		t.Fatalf("err = %v, want a permission error naming locked", err)
	}
}

func TestNestedDirsWatchedOnce(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"src/a.php": "", "src/sub/b.php": "", "src-b/c.php": ""})
	cfg := testConfig()
	cfg.Dirs = []string{"src/sub", "src", "src-b", filepath.Join(root, "src")}
	w := start(t, root, cfg)
	if i := w.Info(); i.Dirs != 3 || i.Files != 3 {
		t.Fatalf("Info = %+v, want 3 dirs and 3 files", i)
	}
	write(t, filepath.Join(root, "src/sub/b.php"), "x")
	if b := nextBatch(t, w); !slices.Equal(b.Paths, []string{"src/sub/b.php"}) {
		t.Fatalf("Paths = %v", b.Paths)
	}
}

func TestSlowReceiverGetsOneMergedBatch(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"a.php": "", "b.php": ""})
	w := start(t, root, testConfig())

	write(t, filepath.Join(root, "a.php"), "1")
	time.Sleep(150 * time.Millisecond) // the first batch is ready and not taken
	write(t, filepath.Join(root, "b.php"), "1")
	time.Sleep(150 * time.Millisecond)
	if b := nextBatch(t, w); !slices.Equal(b.Paths, []string{"a.php", "b.php"}) {
		t.Fatalf("Paths = %v, want both changes in one batch", b.Paths)
	}
	noBatch(t, w, 100*time.Millisecond)
}

func TestRunLifecycle(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	w, err := New(root, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	waitRunning(t, w)
	if err := w.Run(ctx); !errors.Is(err, ErrRunning) {
		t.Errorf("second Run = %v, want ErrRunning", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after cancel", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return")
	}
	if _, ok := <-w.Batches(); ok {
		t.Error("Batches not closed after Run returned")
	}

	w2, err := New(root, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w2.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if err := w2.Run(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Run after Close = %v, want ErrClosed", err)
	}
}

// waitRunning waits until Run has started on w: a fixed sleep let a slow
// machine reach the test's own second Run first, which then never returned.
func waitRunning(t *testing.T, w *Watcher) {
	t.Helper()
	for deadline := time.Now().Add(waitLimit); !w.running.Load(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Run did not start")
		}
	}
}

func TestCloseStopsRun(t *testing.T) {
	t.Parallel()
	w, err := New(t.TempDir(), testConfig())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(context.Background()) }()
	waitRunning(t, w)
	time.Sleep(10 * time.Millisecond) // past Run's first look at Close, so it stops normally
	w.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after Close", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return after Close")
	}
}

func TestAttributeOnlyChangeIgnored(t *testing.T) {
	t.Parallel()
	root := tree(t, map[string]string{"a.php": "<?php"})
	p := filepath.Join(root, "a.php")
	w := start(t, root, testConfig())

	if runtime.GOOS == "windows" {
		t.Skip("no chown on Windows")
	}
	// chown to the same owner: an inotify event, but nothing changed.
	if err := os.Chown(p, os.Getuid(), os.Getgid()); err != nil {
		t.Fatal(err)
	}
	noBatch(t, w, 150*time.Millisecond)

	// touch: content unchanged but the mtime says "reload me".
	later := time.Now().Add(time.Second)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	if b := nextBatch(t, w); !slices.Equal(b.Paths, []string{"a.php"}) {
		t.Fatalf("Paths = %v, want [a.php] after touch", b.Paths)
	}
}
