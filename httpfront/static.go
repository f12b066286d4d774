package httpfront

import (
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// staticFiles is RoadRunner's `static` middleware: it serves existing files
// from static.dir and lets everything else through to PHP. Files are opened
// through an os.Root, so neither ".." nor a symlink can leave the
// directory.
type staticFiles struct {
	next     http.Handler
	root     *os.Root
	forbid   map[string]bool
	allow    map[string]bool
	etag     bool
	weak     bool
	request  map[string]string
	response map[string]string
	log      *slog.Logger
	etags    etagCache
}

func newStatic(c StaticConfig, next http.Handler, log *slog.Logger) (*staticFiles, error) {
	root, err := os.OpenRoot(c.Dir)
	if err != nil {
		return nil, fmt.Errorf("httpfront: static.dir: %w", err)
	}
	return &staticFiles{
		next: next, root: root, forbid: normExts(c.Forbid, false), allow: normExts(c.Allow, false),
		etag: c.CalculateEtag, weak: c.Weak, request: c.Request, response: c.Response, log: log,
		etags: etagCache{m: make(map[string]etagEntry)},
	}, nil
}

// ServeHTTP serves the file or passes the request on. Rules (RoadRunner's,
// plus dotfiles): a path with ".." (decoded or raw) is 403; no extension,
// a forbidden or not-allowed extension, a dotfile or dot-directory, a
// directory, a missing file or a non-GET/HEAD method fall through to PHP.
func (s *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if strings.Contains(p, "..") || strings.Contains(r.URL.RawPath, "..") || strings.Contains(strings.ToLower(r.URL.RawPath), "%2e%2e") {
		s.log.Info("http: static: path traversal refused", slog.String("path", p), slog.String("remote_addr", r.RemoteAddr))
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.next.ServeHTTP(w, r)
		return
	}
	ext := strings.ToLower(path.Ext(p))
	if ext == "" || s.forbid[ext] || (s.allow != nil && !s.allow[ext]) {
		s.next.ServeHTTP(w, r)
		return
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if name == "" || hasDotSegment(name) || strings.ContainsRune(name, 0) {
		s.next.ServeHTTP(w, r)
		return
	}
	f, err := s.root.Open(name)
	if err != nil {
		s.next.ServeHTTP(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		s.next.ServeHTTP(w, r)
		return
	}
	for k, v := range s.request {
		r.Header.Set(k, v)
	}
	for k, v := range s.response {
		w.Header().Set(k, v)
	}
	if s.etag {
		tag, err := s.etags.get(name, fi, f, s.weak)
		if err != nil {
			s.log.Warn("http: static: etag", slog.String("path", name), slog.String("error", err.Error()))
		} else {
			w.Header().Set("Etag", tag)
		}
	}
	// ServeContent answers If-None-Match / If-Modified-Since with 304 and
	// handles Range; it sets Content-Type from the extension.
	http.ServeContent(w, r, fi.Name(), fi.ModTime(), f)
}

// hasDotSegment reports whether any path segment starts with a dot.
func hasDotSegment(name string) bool {
	for seg := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// etagCache remembers content checksums per file, revalidated by size and
// modification time, so a file is read for its ETag only when it changed.
type etagCache struct {
	mu sync.Mutex // guards m
	m  map[string]etagEntry
}

type etagEntry struct {
	size  int64
	mtime time.Time
	tag   string
}

const maxETagEntries = 4096

func (c *etagCache) get(name string, fi os.FileInfo, f io.ReadSeeker, weak bool) (string, error) {
	c.mu.Lock()
	e, ok := c.m[name]
	c.mu.Unlock()
	if !ok || e.size != fi.Size() || !e.mtime.Equal(fi.ModTime()) {
		h := crc32.NewIEEE()
		if _, err := io.Copy(h, f); err != nil {
			return "", err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return "", err
		}
		e = etagEntry{size: fi.Size(), mtime: fi.ModTime(), tag: `"` + strconv.FormatUint(uint64(h.Sum32()), 16) + "-" + strconv.FormatInt(fi.Size(), 16) + `"`}
		c.mu.Lock()
		if len(c.m) >= maxETagEntries {
			clear(c.m) // crude bound; a static tree this big re-hashes on demand
		}
		c.m[name] = e
		c.mu.Unlock()
	}
	if weak {
		return "W/" + e.tag, nil
	}
	return e.tag, nil
}

// Close releases the root directory handle.
func (s *staticFiles) Close() error { return s.root.Close() }
