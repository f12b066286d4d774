package main

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/phprun/phprun/internal/scaffold"
)

// TestProjectFilesEmbedded checks that the binary embeds exactly the files
// internal/scaffold's tests read from disk: every template file, and the
// php-skeleton paths scaffold.RuntimePaths names (embed skips dotfiles
// there, so the comparison does too).
func TestProjectFilesEmbedded(t *testing.T) {
	list := func(fsys fs.FS, root string, dotfiles bool) []string {
		var out []string
		err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (dotfiles || !strings.HasPrefix(d.Name(), ".") && !strings.HasPrefix(d.Name(), "_")) {
				out = append(out, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	roots := []string{"templates"}
	for _, p := range scaffold.RuntimePaths() {
		roots = append(roots, "php-skeleton/"+p)
	}
	for _, root := range roots {
		dot := root == "templates"
		if got, want := list(projectFiles, root, dot), list(os.DirFS("."), root, dot); !slices.Equal(got, want) {
			t.Errorf("%s: embedded %v, on disk %v", root, got, want)
		}
	}
	var embedded []string
	entries, err := fs.ReadDir(projectFiles, "php-skeleton")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		embedded = append(embedded, e.Name())
	}
	if want := scaffold.RuntimePaths(); !slices.Equal(embedded, want) {
		t.Errorf("php-skeleton/ embeds %v, scaffold.RuntimePaths is %v", embedded, want)
	}
}
