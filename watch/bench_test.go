package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchTree builds a mid-sized application: 200 source dirs of 20 PHP files
// each, plus a vendor tree of 10,000 files that must cost nothing.
func benchTree(b *testing.B) string {
	b.Helper()
	root := b.TempDir()
	mk := func(dir string, n int) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for i := range n {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%02d.php", i)), []byte("<?php"), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	for d := range 200 {
		mk(filepath.Join(root, "src", fmt.Sprintf("m%02d", d/20), fmt.Sprintf("d%03d", d)), 20)
	}
	for d := range 500 {
		mk(filepath.Join(root, "vendor", fmt.Sprintf("p%03d", d)), 20)
	}
	return root
}

// BenchmarkNew is the startup cost: walk, stat and one inotify watch per
// directory.
func BenchmarkNew(b *testing.B) {
	root := benchTree(b)
	b.ReportAllocs()
	for b.Loop() {
		w, err := New(root, DefaultConfig())
		if err != nil {
			b.Fatal(err)
		}
		if i := w.Info(); i.Method != MethodFSNotify || i.Files != 4000 {
			b.Fatalf("Info = %+v", i)
		}
		w.Close()
	}
}

// BenchmarkPollWalk is what each polling tick costs.
func BenchmarkPollWalk(b *testing.B) {
	root := benchTree(b)
	m := newMatcher(root, DefaultConfig())
	b.ReportAllocs()
	for b.Loop() {
		s := newSnapshot()
		if err := s.walk(m, root, nil); err != nil {
			b.Fatal(err)
		}
		if len(s.files) != 4000 {
			b.Fatalf("%d files", len(s.files))
		}
	}
}
