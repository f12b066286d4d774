package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
)

var (
	// ErrClosed is returned by Run on a Watcher that was closed first.
	ErrClosed = errors.New("watch: watcher closed")
	// ErrRunning is returned by a second call to Run.
	ErrRunning = errors.New("watch: Run called more than once")
)

// Method is how changes are detected.
type Method string

const (
	// MethodFSNotify is kernel notification (inotify on Linux) via fsnotify.
	MethodFSNotify Method = "fsnotify"
	// MethodPoll is walking the trees every Config.PollInterval.
	MethodPoll Method = "poll"
)

// Info describes what a Watcher watches and how, for logs and the dashboard.
type Info struct {
	Method Method
	// Reason says why the watcher polls ("forced by watch.poll", "inotify
	// watch limit reached ..."); empty with MethodFSNotify.
	Reason string
	// Interval is Config.PollInterval when polling, else 0.
	Interval time.Duration
	// Dirs and Files count the watched directories and the matching files
	// in them.
	Dirs, Files int
	// Unreadable lists (at most 10) subdirectories that could not be read
	// and so are not watched.
	Unreadable []string
}

// String is a one-line summary such as
// "watching 412 files in 87 dirs with fsnotify".
func (i Info) String() string {
	s := fmt.Sprintf("watching %d files in %d dirs with %s", i.Files, i.Dirs, i.Method)
	if i.Method == MethodPoll {
		s += fmt.Sprintf(" every %s (%s)", i.Interval, i.Reason)
	}
	if len(i.Unreadable) > 0 {
		s += fmt.Sprintf("; cannot read %d dirs, e.g. %s", len(i.Unreadable), i.Unreadable[0])
	}
	return s
}

// Watcher watches directory trees and emits debounced batches of changed
// files. New starts watching, so no change made after New returns is
// missed; Run delivers the batches.
type Watcher struct {
	cfg    Config
	m      *matcher
	roots  []string // absolute, clean, none inside another
	out    chan Batch
	closed chan struct{} // closed by Close
	hooks  hooks

	running   atomic.Bool
	closeOnce sync.Once

	// Owned by New, then by Run's goroutine.
	snap  *snapshot
	deb   debouncer
	ready *Batch // flushed but not yet received

	mu   sync.Mutex
	fsw  *fsnotify.Watcher // guarded by mu for Close; nil when polling; only Run's goroutine sets it
	info Info              // guarded by mu
}

// hooks let tests inject failures the real system cannot produce on demand
// (an exhausted inotify limit is per-user and shared by the whole machine).
type hooks struct {
	// newFSNotify opens the fsnotify watcher; nil means fsnotify.NewWatcher.
	newFSNotify func() (*fsnotify.Watcher, error)
	// addWatch adds one directory watch; nil means fsw.Add.
	addWatch func(fsw *fsnotify.Watcher, dir string) error
}

// New validates cfg, checks that every watched directory exists and can be
// read (naming each one that fails), and starts watching: with fsnotify, or
// by polling if cfg.Poll is set, a directory is on a network filesystem, or
// inotify is unavailable or out of watches. root is the project root that
// relative Dirs resolve against and Batch paths are relative to.
//
// The caller must call Run, or Close to release the inotify descriptor.
func New(root string, cfg Config) (*Watcher, error) {
	return newWatcher(root, cfg, hooks{})
}

func newWatcher(root string, cfg Config, h hooks) (*Watcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("watch: project root %q: %w", root, err)
	}
	roots, err := resolveDirs(absRoot, cfg.Dirs)
	if err != nil {
		return nil, err
	}
	w := &Watcher{
		cfg:    cfg,
		m:      newMatcher(absRoot, cfg),
		roots:  roots,
		out:    make(chan Batch),
		closed: make(chan struct{}),
		hooks:  h,
		deb:    newDebouncer(cfg.Debounce),
	}
	if reason := w.pollReason(); reason != "" {
		w.startPolling(reason)
	} else if err := w.startNotify(); err != nil {
		w.startPolling(err.Error())
	}
	return w, nil
}

// pollReason says why fsnotify should not even be tried, or "".
func (w *Watcher) pollReason() string {
	if w.cfg.Poll {
		return "forced by watch.poll"
	}
	for _, r := range w.roots {
		if fs := remoteFS(r); fs != "" {
			return fmt.Sprintf("%s is on %s, where inotify misses changes made on the other side", r, fs)
		}
	}
	return ""
}

// resolveDirs makes dirs absolute against root, checks each is a readable
// directory, and drops any nested inside another. Every bad entry is
// reported, each naming the entry as configured.
func resolveDirs(root string, dirs []string) ([]string, error) {
	var abs []string
	var errs []error
	for _, d := range dirs {
		p := d
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		p = filepath.Clean(p)
		if err := checkDir(p); err != nil {
			errs = append(errs, fmt.Errorf("watch: watch.dirs %q: %w", d, err))
			continue
		}
		abs = append(abs, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Strings(abs)
	var out []string
next:
	for _, p := range abs { // a handful of entries: quadratic is fine
		for _, o := range out {
			if within(p, o) {
				continue next
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// within reports whether p is dir or below it (lexically).
func within(p, dir string) bool {
	r, err := filepath.Rel(dir, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

// checkDir reports why p cannot be watched: missing, not a directory, or
// not listable. The os errors already carry the path.
func checkDir(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", p)
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.ReadDir(1); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// Batches delivers one Batch per debounced set of changes while Run runs.
// It is unbuffered: a batch the receiver has not taken yet absorbs later
// changes, so a slow reload is followed by exactly one more. It is closed
// when Run returns.
func (w *Watcher) Batches() <-chan Batch { return w.out }

// Info returns what is watched and how. It changes while Run runs: counts
// follow the tree, and Method turns to MethodPoll if inotify fails.
func (w *Watcher) Info() Info {
	w.mu.Lock()
	defer w.mu.Unlock()
	i := w.info
	i.Unreadable = slices.Clone(i.Unreadable) // the caller's to keep
	return i
}

// publishInfo refreshes the counts callers see. Called by the owner of snap.
func (w *Watcher) publishInfo() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.info.Dirs, w.info.Files = len(w.snap.dirs), len(w.snap.files)
	w.info.Unreadable = slices.Clone(w.snap.unreadable) // snap keeps appending
}

// Close releases the inotify descriptor and makes a running Run return.
// Run closes the watcher itself when it returns, so Close is only needed
// when Run is never called. It is safe to call more than once.
func (w *Watcher) Close() error {
	var err error
	w.closeOnce.Do(func() {
		close(w.closed)
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.fsw != nil {
			err = w.fsw.Close()
		}
	})
	if err != nil {
		return fmt.Errorf("watch: close: %w", err)
	}
	return nil
}

// Run delivers batches on Batches until ctx is done or Close is called, then
// releases everything and closes Batches. It returns nil on a normal stop.
func (w *Watcher) Run(ctx context.Context) error {
	if !w.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer close(w.out)
	defer w.Close()
	select {
	case <-w.closed:
		return ErrClosed
	default:
	}

	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	armed := false
	var ticker *time.Ticker
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()

	for {
		var events <-chan fsnotify.Event
		var errs <-chan error
		var tick <-chan time.Time
		if w.fsw != nil {
			events, errs = w.fsw.Events, w.fsw.Errors
		} else {
			if ticker == nil {
				ticker = time.NewTicker(w.cfg.PollInterval)
			}
			tick = ticker.C
		}
		var out chan<- Batch
		var next Batch
		if w.ready != nil {
			out, next = w.out, *w.ready
		}

		select {
		case <-ctx.Done():
			return nil
		case <-w.closed:
			return nil
		case ev, ok := <-events:
			if !ok {
				w.fallback("fsnotify stopped delivering events")
				break
			}
			w.handleEvent(ev)
		case err, ok := <-errs:
			if !ok {
				w.fallback("fsnotify stopped delivering events")
				break
			}
			w.handleError(err)
		case <-tick:
			w.poll()
		case now := <-timer.C:
			armed = false
			if due := w.deb.due(); now.Before(due) {
				timer.Reset(due.Sub(now))
				armed = true
			} else {
				w.flush()
			}
		case out <- next:
			w.ready = nil
		}

		if !armed && !w.deb.empty() {
			timer.Reset(w.cfg.Debounce)
			armed = true
		}
	}
}

// flush moves the pending changes into the batch waiting to be received.
func (w *Watcher) flush() {
	b := w.deb.take(w.m.rel)
	if w.ready == nil {
		w.ready = &b
		return
	}
	w.ready.merge(b)
}

// changed records changes seen now.
func (w *Watcher) changed(paths ...string) {
	w.deb.add(time.Now(), paths...)
}
