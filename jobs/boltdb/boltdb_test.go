package boltdb_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/boltdb"
	"github.com/phprun/phprun/jobs/jobstest"
)

func TestConformance(t *testing.T) {
	dir := t.TempDir()
	op := boltdb.NewOpener()
	jobstest.Run(t, jobstest.Suite{
		Driver:  boltdb.Name,
		Ordered: true,
		Durable: true,
		Open: func(t *testing.T, p jobs.Pipeline, q jobs.Queue) jobs.Driver {
			p.Config["file"] = filepath.Join(dir, p.Name+".db")
			d, err := op.Open(context.Background(), jobs.Options{Pipeline: p, Queue: q})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = d.Stop(context.Background()) })
			return d
		},
	})
}

// Two pipelines share one file; a second opener (another phprun) cannot
// take it while the first holds it.
func TestSharedFileAndLock(t *testing.T) {
	file := filepath.Join(t.TempDir(), "rr.db")
	op := boltdb.NewOpener()
	ctx := context.Background()
	open := func(op *boltdb.Opener, name string) (jobs.Driver, error) {
		return op.Open(ctx, jobs.Options{Pipeline: jobs.Pipeline{Name: name, Driver: "boltdb", Config: map[string]any{"file": file, "permissions": "0644"}}, Queue: jobstest.NewCollector()})
	}
	a, err := open(op, "a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := open(op, "b")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := open(boltdb.NewOpener(), "c"); err == nil {
		t.Fatal("a second opener got the locked file")
	}
	_ = a.Stop(ctx)
	_ = b.Stop(ctx)
	if d, err := open(boltdb.NewOpener(), "c"); err != nil {
		t.Fatalf("file still locked after both pipelines stopped: %v", err)
	} else {
		_ = d.Stop(ctx)
	}
}
