package rpc

import (
	"context"
	"errors"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestImports enforces ARCHITECTURE.md: rpc imports the engine, its wire
// package and the standard library, nothing else.
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(path, "/")
			allowed := !strings.Contains(first, ".") ||
				path == "github.com/phprun/phprun/engine" || path == "github.com/phprun/phprun/engine/wire"
			if !allowed {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}

func TestWatch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := Watch(ctx, time.Millisecond, func(context.Context) error {
		n++
		if n == 3 {
			cancel()
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Fatalf("Watch = %v after %d calls", err, n)
	}
	boom := errors.New("boom")
	err = Watch(context.Background(), time.Millisecond, func(context.Context) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Watch = %v, want boom", err)
	}
}
