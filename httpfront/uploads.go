package httpfront

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/phprun/phprun/httpfront/internal/conns"
)

// PHP's upload error codes (UPLOAD_ERR_*), as RoadRunner reports them.
const (
	uploadOK        = 0
	uploadNoFile    = 4
	uploadNoTmpDir  = 6
	uploadCantWrite = 7
	uploadExtension = 8
)

// upload is one received file, encoded for PHP as {name, mime, size,
// error, tmpName}.
type upload struct {
	name    string // client file name (base name only)
	mime    string // the part's Content-Type
	size    int64  // bytes written to tmpName
	errCode int    // PHP UPLOAD_ERR_* code
	tmpName string // temp file path, "" when not written
}

// uploadPolicy decides where uploads go and which are accepted.
type uploadPolicy struct {
	dir    string          // "" = os.TempDir()
	forbid map[string]bool // lower-case extensions with dot
	allow  map[string]bool // nil = everything not forbidden
}

func newUploadPolicy(c UploadsConfig) uploadPolicy {
	return uploadPolicy{dir: c.Dir, forbid: normExts(c.Forbid, true), allow: normExts(c.Allow, true)}
}

// allowed applies forbid, then allow, to the file name's extension.
func (p *uploadPolicy) allowed(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	if p.forbid[ext] {
		return false
	}
	return p.allow == nil || p.allow[ext]
}

// errBodyRead marks a failure to read the request body (client gone, body
// over the limit) as opposed to a failure to write the temp file.
type errBodyRead struct{ err error }

func (e *errBodyRead) Error() string { return "read body: " + e.err.Error() }
func (e *errBodyRead) Unwrap() error { return e.err }

// save writes the file part src into a temp file. Problems with the file
// itself become PHP error codes on the upload; a failure to read the
// request body is returned, because the whole request is then broken.
// The temp file name is recorded before anything is written so that
// cleanup finds it whatever happens next.
func (p *uploadPolicy) save(src io.Reader, u *upload, created *[]string) error {
	if !p.allowed(u.name) {
		u.errCode = uploadExtension
		return drain(src)
	}
	dir := p.dir
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "upload")
	if err != nil {
		u.errCode = uploadNoTmpDir
		return drain(src)
	}
	*created = append(*created, f.Name())
	u.tmpName = f.Name()
	bp := conns.CopyBuffer()
	defer conns.PutCopyBuffer(bp)
	buf := *bp
	var werr error
	for {
		n, rerr := src.Read(buf)
		if n > 0 && werr == nil {
			var wn int
			wn, werr = f.Write(buf[:n])
			u.size += int64(wn)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			f.Close()
			return &errBodyRead{rerr}
		}
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		u.errCode = uploadCantWrite
	}
	return nil
}

// drain discards the rest of a part, reporting read failures.
func drain(src io.Reader) error {
	bp := conns.CopyBuffer()
	defer conns.PutCopyBuffer(bp)
	for {
		_, err := src.Read(*bp)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &errBodyRead{err}
		}
	}
}

// removeFiles deletes upload temp files once the response is written.
func removeFiles(paths []string) error {
	var errs []error
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
