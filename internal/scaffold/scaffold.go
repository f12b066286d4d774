// Package scaffold writes a new phprun project: `phprun init`. It chooses a
// template from the project already in the directory (composer.json), merges
// the template's layers, copies phprun's PHP runtime when the template uses
// it, and never overwrites a file. It knows nothing of the CLI or the
// server; package main embeds the files (see Sources) and calls Init.
package scaffold

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Sources are the trees init copies from. Package main embeds them, since a
// go:embed pattern cannot reach above its package's directory and both trees
// live at the repository root: Templates holds templates/<layer>/..., and
// Runtime holds php-skeleton/<p> for each p of RuntimePaths.
type Sources struct {
	Templates fs.FS
	Runtime   fs.FS
}

// RuntimePaths are the parts of php-skeleton/ a new project gets: the
// dependency-free PHP worker runtime (namespace Phprun\) and the README that
// documents its API, not its tests, benchmarks or examples. Package main's
// go:embed line lists the same paths (a test there checks it).
func RuntimePaths() []string {
	return []string{"README.md", "autoload.php", "bootstrap.php", "src"}
}

// RuntimeDir is where init puts the PHP runtime inside a project. "vendor-"
// says it is third-party code not to edit, and keeps it apart from
// Composer's vendor/ (which .gitignore and .dockerignore exclude) and from a
// phprun binary saved as ./phprun.
const RuntimeDir = "vendor-phprun"

// scaffoldTemplate is one choice of `phprun init --template`: the folders of
// templates/ it is made of, later ones replacing earlier ones' files of the
// same name, and whether its worker.php uses the bundled runtime.
type scaffoldTemplate struct {
	name    string
	layers  []string
	runtime bool
}

// scaffoldTemplates lists the templates in the order help text shows them.
// It is a function so that the table stays immutable.
func scaffoldTemplates() []scaffoldTemplate {
	return []scaffoldTemplate{
		{"default", []string{"common", "default"}, true},               // dependency-free worker on phprun's runtime
		{"psr7", []string{"common", "psr", "psr7"}, true},              // PSR-7 worker (phprun runtime + nyholm/psr7)
		{"roadrunner", []string{"common", "psr", "roadrunner"}, false}, // RoadRunner's spiral/roadrunner-http
	}
}

// TemplateNames returns the valid --template values.
func TemplateNames() []string {
	var names []string
	for _, t := range scaffoldTemplates() {
		names = append(names, t.name)
	}
	return names
}

// Known reports whether name is a template (not "auto").
func Known(name string) bool {
	_, ok := lookupTemplate(name)
	return ok
}

// lookupTemplate finds a template by name.
func lookupTemplate(name string) (scaffoldTemplate, bool) {
	for _, t := range scaffoldTemplates() {
		if t.name == name {
			return t, true
		}
	}
	return scaffoldTemplate{}, false
}

// Init writes a new phprun project into dir (created if missing). An
// empty template or "auto" picks one by looking at dir (detectTemplate).
// Existing files are never overwritten, whatever force says: they are
// listed as skipped, so running init again only fills in what is missing.
// It prints each file created and skipped, then the next command to run.
func (src Sources) Init(stdout io.Writer, dir, template string, force bool) error {
	if dir == "" {
		dir = "."
	}
	name, reason := template, "chosen with --template"
	if name == "" || name == "auto" {
		var err error
		if name, reason, err = detectTemplate(dir); err != nil {
			return err
		}
	}
	tmpl, ok := lookupTemplate(name)
	if !ok {
		return fmt.Errorf("init: unknown template %q (want one of %s)", name, strings.Join(TemplateNames(), ", "))
	}
	files, err := src.files(tmpl)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("init: %w", err)
	}

	fmt.Fprintf(stdout, "phprun init: template %q (%s) in %s\n", tmpl.name, reason, dir)
	if force {
		fmt.Fprintln(stdout, "  --force is ignored: init never overwrites a file")
	}
	devCmd, note := devScriptCommand(dir)
	if note != "" {
		fmt.Fprintf(stdout, "  note    %s\n", note)
	}
	var skipped, runtimeNew, runtimeOld int
	for _, f := range files {
		if f.path == "phprun.yaml" && devCmd != "" {
			f.data = withDevSidecar(f.data, devCmd)
			fmt.Fprintf(stdout, "  note    package.json has a dev script: `%s` is in phprun.yaml under dev.services, commented\n", devCmd)
		}
		why, err := writeNewFile(dir, f.path, f.data)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(f.path, RuntimeDir+"/") && why == "":
			runtimeNew++
		case strings.HasPrefix(f.path, RuntimeDir+"/"):
			runtimeOld++
		case why != "":
			skipped++
			fmt.Fprintf(stdout, "  skip    %s (%s)\n", f.path, why)
		default:
			fmt.Fprintf(stdout, "  create  %s\n", f.path)
		}
	}
	// The runtime is one unit to the user: one line, not one per PHP class.
	switch {
	case runtimeNew > 0 && runtimeOld > 0:
		fmt.Fprintf(stdout, "  create  %s/ (phprun's PHP worker runtime; %d existing files kept)\n", RuntimeDir, runtimeOld)
	case runtimeNew > 0:
		fmt.Fprintf(stdout, "  create  %s/ (phprun's PHP worker runtime)\n", RuntimeDir)
	case runtimeOld > 0:
		skipped++
		fmt.Fprintf(stdout, "  skip    %s/ (exists; delete it and rerun init to update the runtime)\n", RuntimeDir)
	}
	if skipped > 0 {
		fmt.Fprintf(stdout, "%d existing file(s) left untouched; compare them with `phprun init --template %s` in an empty directory.\n", skipped, tmpl.name)
	}
	fmt.Fprintf(stdout, "Next: %s\n", nextCommand(dir, tmpl))
	return nil
}

// scaffoldFile is one file a template writes, by slash-separated path.
type scaffoldFile struct {
	path string
	data []byte
}

// files returns the template's files sorted by path: its layers merged,
// plus the runtime under RuntimeDir when the template uses it.
func (src Sources) files(t scaffoldTemplate) ([]scaffoldFile, error) {
	byPath := map[string][]byte{}
	for _, layer := range t.layers {
		root := "templates/" + layer
		if err := collectFiles(src.Templates, root, "", byPath); err != nil {
			return nil, err
		}
	}
	if t.runtime {
		for _, p := range RuntimePaths() {
			if err := collectFiles(src.Runtime, "php-skeleton/"+p, path.Join(RuntimeDir, p), byPath); err != nil {
				return nil, err
			}
		}
	}
	out := make([]scaffoldFile, 0, len(byPath))
	for p, data := range byPath {
		out = append(out, scaffoldFile{p, data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

// collectFiles reads every file under root in fsys into byPath, keyed by
// its path below root with prefix in front.
func collectFiles(fsys fs.FS, root, prefix string, byPath map[string][]byte) error {
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		// root may be a single file (php-skeleton/README.md): then p is root
		byPath[path.Join(prefix, strings.TrimPrefix(strings.TrimPrefix(p, root), "/"))] = data
		return nil
	})
	if err != nil {
		return fmt.Errorf("init: embedded %s: %w", root, err)
	}
	return nil
}

// writeNewFile creates dir/rel with data, unless something is already
// there; then it returns why the file was skipped. O_EXCL makes "never
// overwrite" hold even if the file appears between the check and the write.
func writeNewFile(dir, rel string, data []byte) (skipped string, err error) {
	target := filepath.Join(dir, filepath.FromSlash(rel))
	if rel == "phprun.yaml" && exists(filepath.Join(dir, ".rr.yaml")) {
		return ".rr.yaml exists, and phprun reads it when there is no phprun.yaml", nil
	}
	if exists(target) {
		return "exists", nil
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", fmt.Errorf("init: %w", err)
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return "exists", nil
	}
	if err != nil {
		return "", fmt.Errorf("init: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", fmt.Errorf("init: write %s: %w", rel, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("init: write %s: %w", rel, err)
	}
	return "", nil
}

// exists reports whether anything (file, directory, even a dangling
// symlink) is at p.
func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// nextCommand is the command line init suggests once it is done: install
// Composer dependencies when the worker needs them, then start the
// dashboard.
func nextCommand(dir string, t scaffoldTemplate) string {
	var steps []string
	if dir != "." {
		steps = append(steps, "cd "+shellQuote(dir))
	}
	hasComposer := exists(filepath.Join(dir, "composer.json"))
	hasVendor := exists(filepath.Join(dir, "vendor", "autoload.php"))
	switch {
	case t.name == "roadrunner" && !hasComposer:
		steps = append(steps, "composer require spiral/roadrunner-http nyholm/psr7")
	case hasComposer && !hasVendor:
		steps = append(steps, "composer install")
	}
	return strings.Join(append(steps, "phprun dev"), " && ")
}

// shellQuote quotes s for a POSIX shell when it holds anything but plain
// path characters.
func shellQuote(s string) string {
	plain := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./+:@%,", r))
	}) < 0
	if plain && s != "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// detectTemplate picks the template that fits the project already in dir:
//   - composer.json requires spiral/roadrunner-http → "roadrunner" (the
//     project already has RoadRunner's worker library, so use it);
//   - composer.json requires nyholm/psr7 → "psr7";
//   - otherwise (no composer.json, or neither package) → "default".
//
// require and require-dev both count. reason says what was found, for the
// first line init prints.
func detectTemplate(dir string) (name, reason string, err error) {
	data, err := os.ReadFile(filepath.Join(dir, "composer.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return "default", "no composer.json", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("init: %w", err)
	}
	pkgs, err := composerPackages(data)
	if err != nil {
		return "", "", fmt.Errorf("init: %s: %w; choose a template with --template", filepath.Join(dir, "composer.json"), err)
	}
	switch {
	case pkgs["spiral/roadrunner-http"]:
		return "roadrunner", "composer.json requires spiral/roadrunner-http", nil
	case pkgs["nyholm/psr7"]:
		return "psr7", "composer.json requires nyholm/psr7", nil
	}
	return "default", "composer.json has neither spiral/roadrunner-http nor nyholm/psr7", nil
}

// composerPackages returns the lower-cased package names of a composer.json's
// require and require-dev. An empty section may be written as [] by PHP's
// json_encode, so anything but an object counts as no packages.
func composerPackages(data []byte) (map[string]bool, error) {
	var doc struct {
		Require    json.RawMessage `json:"require"`
		RequireDev json.RawMessage `json:"require-dev"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	pkgs := map[string]bool{}
	for _, section := range []json.RawMessage{doc.Require, doc.RequireDev} {
		var m map[string]json.RawMessage
		if json.Unmarshal(section, &m) != nil {
			continue
		}
		for name := range m {
			pkgs[strings.ToLower(name)] = true
		}
	}
	return pkgs, nil
}
