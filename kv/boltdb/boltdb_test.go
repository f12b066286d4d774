package boltdb

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/phprun/phprun/kv"
	"github.com/phprun/phprun/kv/kvtest"
)

func TestConformance(t *testing.T) {
	kvtest.Run(t, func(t *testing.T) kv.Storage {
		s, err := Open(filepath.Join(t.TempDir(), "kv.db"), 0o644, 50*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestPersists: values and expiries survive a reopen; the sweeper removes
// expired keys from the file; a second opener of the file gets a clear error.
func TestPersists(t *testing.T) {
	file := filepath.Join(t.TempDir(), "kv.db")
	ctx := context.Background()
	s, err := Open(file, 0o644, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour)
	if err := s.Set(ctx, []kv.Item{{Key: "k", Value: []byte("v"), Expires: exp}, {Key: "short", Value: []byte("x"), Expires: time.Now().Add(20 * time.Millisecond)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(file, 0o644, time.Hour); err == nil || !strings.Contains(err.Error(), "locked by another process") {
		t.Fatalf("second open: %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if err := s.sweepOnce(); err != nil {
		t.Fatal(err)
	}
	n := 0
	_ = s.db.View(func(tx *bolt.Tx) error { n = tx.Bucket(bucket).Stats().KeyN; return nil })
	if n != 1 {
		t.Fatalf("%d keys in the file after the sweep, want 1", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(file, 0o644, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.TTL(ctx, []string{"k"})
	if err != nil || len(got) != 1 || !got[0].Expires.Equal(time.Unix(0, exp.UnixNano())) {
		t.Fatalf("after reopen: %+v %v", got, err)
	}
}

func TestConfig(t *testing.T) {
	for _, tt := range []struct {
		raw  map[string]any
		want string
	}{
		{nil, ""},
		{map[string]any{"file": "x.db", "permissions": 0o644, "interval": 10}, ""},
		{map[string]any{"file": ""}, "file: want a file path"},
		{map[string]any{"permissions": 0o1777}, "permissions: want a file mode"},
		{map[string]any{"interval": 0}, "interval: want a positive number"},
		{map[string]any{"bucket": "x"}, "bucket: unknown key"},
	} {
		err := Driver{}.Check(tt.raw)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("Check(%v) = %v, want %q", tt.raw, err, tt.want)
		}
	}
}
