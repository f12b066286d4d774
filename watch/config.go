package watch

import (
	"errors"
	"github.com/phprun/phprun/internal/fielderr"
	"path/filepath"
	"strings"
	"time"
)

// MinPollInterval is the shortest accepted Config.PollInterval: polling
// walks every watched directory, so a tighter loop would burn a core.
const MinPollInterval = 10 * time.Millisecond

// Config is the `watch` section of phprun.yaml. It is plain data: New reads
// it and never rewrites it.
type Config struct {
	// Dirs are the directory trees to watch, relative to the project root
	// (or absolute). Subdirectories are watched too, including ones created
	// later. Default ["."], the project root. A directory nested in another
	// listed one is watched once.
	Dirs []string `koanf:"dirs"`

	// Patterns select the files whose changes count. A pattern without a
	// slash matches the base name (filepath.Match syntax: "*.php"); one with
	// a slash matches the slash-separated path relative to the project root,
	// where "**" stands for any number of directories ("config/**/*.php").
	// Default ["*.php", ".env", ".env.*", "*.yaml", "*.yml", "composer.json",
	// "composer.lock"]: code, environment, configuration, and the lock file
	// that `composer require` rewrites together with vendor/.
	Patterns []string `koanf:"patterns"`

	// Ignore lists directories (and files) never watched. A name without a
	// slash ("vendor", "*.cache") matches any path component below a watched
	// directory; one with a slash ("public/uploads") is a path prefix relative
	// to the project root; an absolute path is a path prefix as is. A trailing
	// slash is allowed ("vendor/"). Default ["vendor", "node_modules", ".git",
	// "var", "storage"]; the caller appends the uploads directory. Ignored
	// directories cost neither inotify watches nor polling time.
	Ignore []string `koanf:"ignore"`

	// Debounce is how long the tree must be quiet before a batch is emitted;
	// a change arriving within it joins the same batch. Constant churn still
	// emits once the first change of a batch is 10×Debounce old. Zero emits
	// as soon as the pending events are drained. Default 150ms.
	Debounce time.Duration `koanf:"debounce"`

	// Poll forces polling instead of inotify, e.g. for a tree on a mount
	// whose events phprun cannot detect as missing. Default false: inotify,
	// with an automatic fallback to polling.
	Poll bool `koanf:"poll"`

	// PollInterval is how often polling walks the tree and compares each
	// matching file's mtime and size with the previous walk. At least
	// MinPollInterval. Default 1s.
	PollInterval time.Duration `koanf:"poll_interval"`
}

// DefaultConfig returns the documented defaults. Each call returns fresh
// slices, so callers may append to them.
func DefaultConfig() Config {
	return Config{
		Dirs:         []string{"."},
		Patterns:     []string{"*.php", ".env", ".env.*", "*.yaml", "*.yml", "composer.json", "composer.lock"},
		Ignore:       []string{"vendor", "node_modules", ".git", "var", "storage"},
		Debounce:     150 * time.Millisecond,
		PollInterval: time.Second,
	}
}

// Validate reports every problem in c at once, each naming its key. It does
// not touch the filesystem (New does) and never modifies c.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fielderr.New("watch."+key, format, args...))
	}

	if len(c.Dirs) == 0 {
		bad("dirs", "must list at least one directory")
	}
	for i, d := range c.Dirs {
		if strings.TrimSpace(d) == "" {
			bad("dirs", "entry %d is empty", i)
		}
	}

	if len(c.Patterns) == 0 {
		bad("patterns", "must list at least one pattern (\"*\" matches every file)")
	}
	for i, p := range c.Patterns {
		if err := checkPattern(p); err != nil {
			bad("patterns", "entry %d %q: %v", i, p, err)
		}
	}

	for i, p := range c.Ignore {
		if err := checkPattern(strings.TrimRight(p, "/")); err != nil {
			bad("ignore", "entry %d %q: %v", i, p, err)
		}
	}

	if c.Debounce < 0 {
		bad("debounce", "must be >= 0, got %s", c.Debounce)
	}
	if c.PollInterval < MinPollInterval {
		bad("poll_interval", "must be >= %s, got %s", MinPollInterval, c.PollInterval)
	}
	return errors.Join(errs...)
}

// checkPattern rejects empty patterns and ones filepath.Match cannot parse,
// so a typo fails at startup instead of silently matching nothing.
func checkPattern(p string) error {
	if strings.TrimSpace(p) == "" {
		return errors.New("is empty")
	}
	for _, seg := range strings.Split(filepath.ToSlash(p), "/") {
		if _, err := filepath.Match(seg, ""); err != nil {
			return err
		}
	}
	return nil
}
