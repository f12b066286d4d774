package scaffold

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// testSources reads the trees package main embeds straight from the
// repository root, two levels up.
var testSources = Sources{Templates: os.DirFS("../.."), Runtime: os.DirFS("../..")}

// updateInit rewrites testdata/init/*.golden from what runInit writes now.
// It is not called -update so that it cannot clash with another golden
// test's flag in this package: go test -run Init -update-init.
var updateInit = flag.Bool("update-init", false, "rewrite the phprun init golden files")

// goldenKeyFiles are the files whose content the golden files record; the
// rest are listed by name only.
var goldenKeyFiles = []string{"phprun.yaml", "worker.php", "src/App.php", "Dockerfile"}

// TestInitGolden writes each template into an empty directory and compares
// what init printed, the tree it made, and its key files with
// testdata/init/<template>.golden.
func TestInitGolden(t *testing.T) {
	for _, name := range TemplateNames() {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "app")
			var out bytes.Buffer
			if err := testSources.Init(&out, dir, name, false); err != nil {
				t.Fatalf("runInit: %v", err)
			}
			got := initRenderTree(t, dir, strings.ReplaceAll(out.String(), dir, "DIR"))
			golden := filepath.Join("testdata", "init", name+".golden")
			if *updateInit {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestInitGolden -update-init to create it)", err)
			}
			if got != string(want) {
				t.Errorf("init tree differs from %s (rerun with -update-init if the change is intended):\n%s", golden, initLineDiff(string(want), got))
			}
		})
	}
}

// initRenderTree describes a project directory: init's output, every file
// (the runtime copy as one line, TestInitRuntimeCopy checks it) and the
// content of the key files.
func initRenderTree(t *testing.T, dir, output string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("-- output --\n" + output + "-- files --\n")
	var runtime int
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, dir+string(filepath.Separator)))
		if strings.HasPrefix(rel, RuntimeDir+"/") {
			runtime++
			return nil
		}
		b.WriteString(rel + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if runtime > 0 {
		b.WriteString(RuntimeDir + "/... (the PHP runtime)\n")
	}
	for _, rel := range goldenKeyFiles {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatalf("key file: %v", err)
		}
		b.WriteString("-- " + rel + " --\n" + string(data))
	}
	return b.String()
}

// initLineDiff lists the lines only in want (-) and only in got (+), enough to
// see what changed without a diff library.
func initLineDiff(want, got string) string {
	count := map[string]int{}
	for _, l := range strings.Split(got, "\n") {
		count[l]++
	}
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if count[l] > 0 {
			count[l]--
			continue
		}
		b.WriteString("- " + l + "\n")
	}
	for _, l := range strings.Split(got, "\n") {
		if count[l] > 0 {
			count[l]--
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}

// TestInitRuntimeCopy checks that the templates using the bundled runtime
// get every runtime file byte for byte as php-skeleton has it, and that the
// roadrunner template (which uses RoadRunner's library) gets none.
func TestInitRuntimeCopy(t *testing.T) {
	var skeleton []string
	for _, root := range []string{"../../php-skeleton/README.md", "../../php-skeleton/autoload.php", "../../php-skeleton/bootstrap.php", "../../php-skeleton/src"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
				skeleton = append(skeleton, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(skeleton) < 3 {
		t.Fatalf("php-skeleton has only %d runtime files", len(skeleton))
	}
	for _, tmpl := range scaffoldTemplates() {
		dir := t.TempDir()
		if err := testSources.Init(&bytes.Buffer{}, dir, tmpl.name, false); err != nil {
			t.Fatal(err)
		}
		for _, src := range skeleton {
			want, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			dst := filepath.Join(dir, RuntimeDir, strings.TrimPrefix(src, filepath.FromSlash("../../php-skeleton/")))
			got, err := os.ReadFile(dst)
			switch {
			case !tmpl.runtime && err == nil:
				t.Errorf("%s: %s written, but this template does not use the runtime", tmpl.name, dst)
			case tmpl.runtime && err != nil:
				t.Errorf("%s: %v", tmpl.name, err)
			case tmpl.runtime && !bytes.Equal(got, want):
				t.Errorf("%s: %s differs from %s", tmpl.name, dst, src)
			}
		}
	}
}

// TestInitNeverOverwrites runs init over existing files, then again over
// its own output, and over a RoadRunner project's .rr.yaml: nothing that
// exists changes, and the skipped files are listed.
func TestInitNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	mine := map[string]string{
		"worker.php":       "<?php // mine\n",
		"src/App.php":      "<?php // my app\n",
		"public/style.css": "/* mine */\n",
	}
	for rel, data := range mine {
		initWriteFile(t, filepath.Join(dir, rel), data)
	}

	var out bytes.Buffer
	if err := testSources.Init(&out, dir, "default", true); err != nil {
		t.Fatal(err)
	}
	for rel, data := range mine {
		if got := initReadFile(t, filepath.Join(dir, rel)); got != data {
			t.Errorf("%s was overwritten: %q", rel, got)
		}
		if !strings.Contains(out.String(), "skip    "+rel+" (exists)") {
			t.Errorf("output does not list %s as skipped:\n%s", rel, out.String())
		}
	}
	if !strings.Contains(out.String(), "create  phprun.yaml") || !strings.Contains(out.String(), "--force is ignored") {
		t.Errorf("unexpected output:\n%s", out.String())
	}

	// A second run finds everything in place: it creates nothing and changes nothing.
	before := initSnapshot(t, dir)
	initWriteFile(t, filepath.Join(dir, "phprun.yaml"), "version: \"3\" # edited\n")
	before["phprun.yaml"] = "version: \"3\" # edited\n"
	out.Reset()
	if err := testSources.Init(&out, dir, "default", false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "create ") || !strings.Contains(out.String(), "skip    "+RuntimeDir+"/ (exists") {
		t.Errorf("second run created files or did not report the runtime as kept:\n%s", out.String())
	}
	after := initSnapshot(t, dir)
	if len(after) != len(before) {
		t.Errorf("second run changed the file count: %d → %d", len(before), len(after))
	}
	for rel, data := range before {
		if after[rel] != data {
			t.Errorf("second run changed %s", rel)
		}
	}

	// In a RoadRunner project, phprun.yaml would shadow the .rr.yaml phprun already reads.
	rr := t.TempDir()
	initWriteFile(t, filepath.Join(rr, ".rr.yaml"), "version: \"3\"\n")
	out.Reset()
	if err := testSources.Init(&out, rr, "default", false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(rr, "phprun.yaml")); err == nil {
		t.Error("phprun.yaml written next to .rr.yaml")
	}
	if !strings.Contains(out.String(), "skip    phprun.yaml (.rr.yaml exists") {
		t.Errorf("output does not explain the skipped phprun.yaml:\n%s", out.String())
	}
}

// TestInitFileModes checks 0644 files and 0755 directories (less whatever
// the umask removes) and that nothing is executable but directories.
func TestInitFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "app")
	if err := testSources.Init(&bytes.Buffer{}, dir, "psr7", false); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		perm := info.Mode().Perm()
		switch {
		case d.IsDir() && (perm&^0o755 != 0 || perm&0o700 != 0o700):
			t.Errorf("%s: dir mode %v, want 0755", p, perm)
		case !d.IsDir() && (perm&^0o644 != 0 || perm&0o600 != 0o600):
			t.Errorf("%s: file mode %v, want 0644", p, perm)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestInitDetect runs init without --template in projects made from the
// composer.json fixtures under testdata/init and checks the chosen template
// and the worker.php it wrote.
func TestInitDetect(t *testing.T) {
	tests := []struct {
		fixture string // testdata/init/<fixture>/composer.json; "" for no composer.json
		want    string
		reason  string
	}{
		{"", "default", "no composer.json"},
		{"composer-plain", "default", "neither"},
		{"composer-empty-require", "default", "neither"},
		{"composer-psr7", "psr7", "requires nyholm/psr7"},
		{"composer-psr7-dev", "psr7", "requires nyholm/psr7"},
		{"composer-roadrunner", "roadrunner", "requires spiral/roadrunner-http"},
		{"composer-roadrunner-and-psr7", "roadrunner", "requires spiral/roadrunner-http"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture+"→"+tt.want, func(t *testing.T) {
			dir := t.TempDir()
			if tt.fixture != "" {
				data := initReadFile(t, filepath.Join("testdata", "init", tt.fixture, "composer.json"))
				initWriteFile(t, filepath.Join(dir, "composer.json"), data)
			}
			var out bytes.Buffer
			if err := testSources.Init(&out, dir, "", false); err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(out.String(), "\n")
			if !strings.Contains(first, `template "`+tt.want+`"`) || !strings.Contains(first, tt.reason) {
				t.Errorf("first line %q, want template %q and reason %q", first, tt.want, tt.reason)
			}
			tmpl, _ := lookupTemplate(tt.want)
			files, err := testSources.files(tmpl)
			if err != nil {
				t.Fatal(err)
			}
			var want string
			for _, f := range files {
				if f.path == "worker.php" {
					want = string(f.data)
				}
			}
			if got := initReadFile(t, filepath.Join(dir, "worker.php")); got != want || want == "" {
				t.Errorf("worker.php is not the %s template's", tt.want)
			}
		})
	}

	t.Run("broken composer.json", func(t *testing.T) {
		dir := t.TempDir()
		initWriteFile(t, filepath.Join(dir, "composer.json"), initReadFile(t, filepath.Join("testdata", "init", "composer-broken", "composer.json")))
		err := testSources.Init(&bytes.Buffer{}, dir, "", false)
		if err == nil || !strings.Contains(err.Error(), "--template") {
			t.Fatalf("err = %v, want one that suggests --template", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "worker.php")); err == nil {
			t.Error("files written despite the error")
		}
		// An explicit template does not need detection.
		if err := testSources.Init(&bytes.Buffer{}, dir, "default", false); err != nil {
			t.Errorf("with --template default: %v", err)
		}
	})

	t.Run("explicit template wins", func(t *testing.T) {
		dir := t.TempDir()
		initWriteFile(t, filepath.Join(dir, "composer.json"), initReadFile(t, filepath.Join("testdata", "init", "composer-roadrunner", "composer.json")))
		var out bytes.Buffer
		if err := testSources.Init(&out, dir, "default", false); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), `template "default" (chosen with --template)`) {
			t.Errorf("output:\n%s", out.String())
		}
	})

	t.Run("unknown template", func(t *testing.T) {
		err := testSources.Init(&bytes.Buffer{}, t.TempDir(), "laravel", false)
		if err == nil || !strings.Contains(err.Error(), "default, psr7, roadrunner") {
			t.Fatalf("err = %v, want the list of templates", err)
		}
	})
}

// TestInitNextCommand checks the command init suggests last.
func TestInitNextCommand(t *testing.T) {
	plain := t.TempDir()
	composer := t.TempDir()
	initWriteFile(t, filepath.Join(composer, "composer.json"), "{}")
	installed := t.TempDir()
	initWriteFile(t, filepath.Join(installed, "composer.json"), "{}")
	initWriteFile(t, filepath.Join(installed, "vendor", "autoload.php"), "<?php\n")
	spaced := filepath.Join(t.TempDir(), "my app")

	tests := []struct {
		dir, template, want string
	}{
		{plain, "default", "cd " + plain + " && phprun dev"},
		{spaced, "default", "cd '" + spaced + "' && phprun dev"},
		{composer, "psr7", "cd " + composer + " && composer install && phprun dev"},
		{installed, "roadrunner", "cd " + installed + " && phprun dev"},
		{plain, "roadrunner", "cd " + plain + " && composer require spiral/roadrunner-http nyholm/psr7 && phprun dev"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if err := testSources.Init(&out, tt.dir, tt.template, false); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if got := lines[len(lines)-1]; got != "Next: "+tt.want {
			t.Errorf("%s in %s: last line %q, want %q", tt.template, tt.dir, got, "Next: "+tt.want)
		}
	}

	// The repository root has no composer.json, so "." needs neither cd nor composer.
	if got := nextCommand(".", scaffoldTemplate{name: "default"}); got != "phprun dev" {
		t.Errorf("nextCommand(.) = %q, want %q", got, "phprun dev")
	}
}

// TestInitTemplatesLint runs php -l on every PHP file of every template.
func TestInitTemplatesLint(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php is not installed: cannot lint the PHP templates")
	}
	for _, tmpl := range scaffoldTemplates() {
		files, err := testSources.files(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for _, f := range files {
			if !strings.HasSuffix(f.path, ".php") || strings.HasPrefix(f.path, RuntimeDir+"/") {
				continue
			}
			p := filepath.Join(dir, f.path)
			initWriteFile(t, p, string(f.data))
			if out, err := exec.Command(php, "-l", p).CombinedOutput(); err != nil {
				t.Errorf("%s %s: %v\n%s", tmpl.name, f.path, err, out)
			}
		}
	}
}

// TestInitTemplateConfig checks the keys the generated phprun.yaml must
// carry, by parsing it as YAML.
func TestInitTemplateConfig(t *testing.T) {
	data, err := fs.ReadFile(testSources.Templates, "templates/common/phprun.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("phprun.yaml: %v", err)
	}
	checks := []struct {
		key  string
		want any // nil: the key must exist, any value
	}{
		{"version", "3"},
		{"server.command", "php worker.php"},
		{"server.relay", "pipes"},
		{"rpc.listen", "${APP_RPC_LISTEN:-tcp://127.0.0.1:6001}"},
		{"http.address", "${APP_HTTP_ADDR:-127.0.0.1:8080}"},
		{"http.middleware", []any{"headers", "gzip", "static"}},
		{"http.static.dir", "public"},
		{"http.static.calculate_etag", true},
		{"http.pool.num_workers", nil},
		{"http.pool.max_jobs", nil},
		{"status.address", "${APP_STATUS_ADDR:-127.0.0.1:2114}"},
		{"logs.level", nil},
		{"watch.dirs", nil},
		{"watch.patterns", nil},
		{"watch.ignore", nil},
		{"watch.debounce", "150ms"},
	}
	for _, c := range checks {
		got, ok := initLookupKey(doc, c.key)
		if !ok {
			t.Errorf("%s: missing", c.key)
			continue
		}
		if c.want != nil && !initEqualYAML(got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.key, got, c.want)
		}
	}
	for _, commented := range []string{"# supervisor:", "#   max_worker_memory:", "# dev:", "#   show_errors:"} {
		if !bytes.Contains(data, []byte(commented)) {
			t.Errorf("phprun.yaml lacks the commented example %q", commented)
		}
	}
	if _, err := fs.Stat(testSources.Templates, "templates/common/public/style.css"); err != nil {
		t.Errorf("static.dir public has no file: %v", err)
	}
}

// TestInitTemplateDockerfiles checks what the project Dockerfiles promise:
// a php-cli base, the phprun binary, headless serving, a /health check.
func TestInitTemplateDockerfiles(t *testing.T) {
	for _, tmpl := range scaffoldTemplates() {
		files, err := testSources.files(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		var df string
		for _, f := range files {
			if f.path == "Dockerfile" {
				df = string(f.data)
			}
		}
		for _, want := range []string{
			"FROM php:8.3-cli\n",
			"COPY --from=phprun /usr/local/bin/phprun /usr/local/bin/phprun\n",
			`CMD ["phprun", "serve", "--headless"]`,
			"HEALTHCHECK ",
			"http://127.0.0.1:2114/health",
			"APP_HTTP_ADDR=0.0.0.0:8080",
		} {
			if !strings.Contains(df, want) {
				t.Errorf("%s Dockerfile lacks %q", tmpl.name, want)
			}
		}
	}
}

func initLookupKey(doc map[string]any, key string) (any, bool) {
	var cur any = doc
	for _, part := range strings.Split(key, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func initEqualYAML(got, want any) bool {
	gl, ok1 := got.([]any)
	wl, ok2 := want.([]any)
	if ok1 && ok2 {
		if len(gl) != len(wl) {
			return false
		}
		for i := range gl {
			if gl[i] != wl[i] {
				return false
			}
		}
		return true
	}
	return got == want
}

func initWriteFile(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func initReadFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// initSnapshot returns every file under dir by slash path, with its content.
func initSnapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
