// Package boltdb is the embedded, persistent jobs driver: RoadRunner's
// `boltdb` driver on go.etcd.io/bbolt. Every job (headers included) is
// written to the file before Push returns and deleted only when it is
// acked or dropped, so jobs survive a stop, a crash or kill -9 of phprun:
// after a restart every stored job is delivered again (RoadRunner loses
// headers and delivers 1 of a 5-job backlog; see docs/jobs.md).
package boltdb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/memory"
	bolt "go.etcd.io/bbolt"
)

// Name is the driver name in `pipelines.<name>.driver`.
const Name = "boltdb"

// Driver keys' defaults (RoadRunner's).
const (
	defaultFile     = "rr.db"
	defaultPrefetch = 1000
	defaultPerm     = 0o755
)

// Opener opens boltdb pipelines. bbolt locks a file for one opener at a
// time, so pipelines naming the same file share one handle, closed when
// the last of them stops. Main makes one Opener per run.
type Opener struct {
	mu    sync.Mutex
	files map[string]*file // guarded by mu; by absolute path
}

type file struct {
	db   *bolt.DB
	refs int // guarded by Opener.mu
}

// NewOpener returns an Opener with no file open.
func NewOpener() *Opener { return &Opener{files: map[string]*file{}} }

// Open is the jobs.Constructor of the boltdb driver.
func (op *Opener) Open(_ context.Context, o jobs.Options) (jobs.Driver, error) {
	p := o.Pipeline
	path, err := filepath.Abs(p.String("file", defaultFile))
	if err != nil {
		return nil, fmt.Errorf("jobs: boltdb pipeline %s: file: %w", p.Name, err)
	}
	perm, err := permissions(p.Config["permissions"])
	if err != nil {
		return nil, fmt.Errorf("jobs: boltdb pipeline %s: permissions: %w", p.Name, err)
	}
	db, err := op.acquire(path, perm)
	if err != nil {
		return nil, fmt.Errorf("jobs: boltdb pipeline %s: open %s: %w", p.Name, path, err)
	}
	s := &store{db: db, bucket: []byte("jobs." + p.Name)}
	core, err := memory.New(o, s, defaultPrefetch)
	if err != nil {
		op.release(path)
		return nil, err
	}
	d := &Driver{Driver: core, op: op, path: path}
	if err := s.load(core.Restore); err != nil {
		op.release(path)
		return nil, fmt.Errorf("jobs: boltdb pipeline %s: read %s: %w", p.Name, path, err)
	}
	return d, nil
}

func (op *Opener) acquire(path string, perm os.FileMode) (*bolt.DB, error) {
	op.mu.Lock()
	defer op.mu.Unlock()
	if f, ok := op.files[path]; ok {
		f.refs++
		return f.db, nil
	}
	db, err := bolt.Open(path, perm, &bolt.Options{Timeout: 2 * time.Second})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("the file is locked by another process (another phprun?): %w", err)
	}
	if err != nil {
		return nil, err
	}
	op.files[path] = &file{db: db, refs: 1}
	return db, nil
}

func (op *Opener) release(path string) error {
	op.mu.Lock()
	defer op.mu.Unlock()
	f, ok := op.files[path]
	if !ok {
		return nil
	}
	if f.refs--; f.refs > 0 {
		return nil
	}
	delete(op.files, path)
	return f.db.Close()
}

// permissions reads the permissions key: an octal string ("0755"), or a
// number as YAML or a Declare map gives it (493 = 0755).
func permissions(v any) (os.FileMode, error) {
	switch x := v.(type) {
	case nil:
		return defaultPerm, nil
	case string:
		n, err := strconv.ParseUint(x, 8, 32)
		if err != nil {
			if n, err = strconv.ParseUint(x, 10, 32); err != nil {
				return 0, fmt.Errorf("want an octal mode such as 0755, got %q", x)
			}
		}
		return os.FileMode(n), nil
	case int:
		return os.FileMode(x), nil
	case int64:
		return os.FileMode(x), nil
	case uint64:
		return os.FileMode(x), nil
	case float64:
		return os.FileMode(x), nil
	}
	return 0, fmt.Errorf("want an octal mode such as 0755, got %v", v)
}

// Driver is one boltdb pipeline: the memory driver's heaps, written
// through to the file.
type Driver struct {
	*memory.Driver
	op       *Opener
	path     string
	stopOnce sync.Once
}

// State adds the file to the memory driver's counts.
func (d *Driver) State(ctx context.Context) (jobs.State, error) {
	st, err := d.Driver.State(ctx)
	st.Queue = filepath.Base(d.path)
	return st, err
}

// Stop stops delivering and closes the file when no other pipeline uses
// it. Stored jobs stay in the file for the next start.
func (d *Driver) Stop(ctx context.Context) error {
	err := d.Driver.Stop(ctx)
	d.stopOnce.Do(func() {
		if cerr := d.op.release(d.path); cerr != nil && err == nil {
			err = cerr
		}
	})
	return err
}

// Destroy is Stop: the jobs stay in the file, as RoadRunner keeps them.
func (d *Driver) Destroy(ctx context.Context) error { return d.Stop(ctx) }

// store is one pipeline's bucket.
type store struct {
	db     *bolt.DB
	bucket []byte
}

// record is a stored job.
type record struct {
	ID       string              `json:"id"`
	Name     string              `json:"job"`
	Pipeline string              `json:"pipeline"`
	Payload  []byte              `json:"payload"`
	Headers  map[string][]string `json:"headers,omitempty"`
	Priority int64               `json:"priority,omitempty"`
	AutoAck  bool                `json:"auto_ack,omitempty"`
	Due      int64               `json:"due,omitempty"` // unix nanoseconds; 0 = ready
}

func (s *store) Put(key uint64, j *jobs.Job, due time.Time) (uint64, error) {
	r := record{ID: j.ID, Name: j.Name, Pipeline: j.Pipeline, Payload: j.Payload, Headers: j.Headers, Priority: j.Priority, AutoAck: j.AutoAck}
	if !due.IsZero() {
		r.Due = due.UnixNano()
	}
	val, err := json.Marshal(r)
	if err != nil {
		return 0, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(s.bucket)
		if err != nil {
			return err
		}
		if key == 0 {
			if key, err = b.NextSequence(); err != nil {
				return err
			}
		}
		return b.Put(binary.BigEndian.AppendUint64(nil, key), val)
	})
	return key, err
}

func (s *store) Delete(key uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(s.bucket)
		if b == nil {
			return nil
		}
		return b.Delete(binary.BigEndian.AppendUint64(nil, key))
	})
}

// load hands every stored job to restore, in key (push) order.
func (s *store) load(restore func(key uint64, j *jobs.Job, due time.Time)) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(s.bucket)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r record
			if len(k) != 8 {
				return fmt.Errorf("bad key %x", k)
			}
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("job under key %x: %w", k, err)
			}
			var due time.Time
			if r.Due != 0 {
				due = time.Unix(0, r.Due)
			}
			restore(binary.BigEndian.Uint64(k), &jobs.Job{ID: r.ID, Name: r.Name, Pipeline: r.Pipeline, Payload: r.Payload,
				Headers: r.Headers, Priority: r.Priority, AutoAck: r.AutoAck}, due)
			return nil
		})
	})
}
