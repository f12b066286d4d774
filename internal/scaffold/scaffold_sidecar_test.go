package scaffold

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phprun/phprun/internal/config"
)

// TestInitSuggestsDevSidecar: a package.json with a dev script ends up in
// phprun.yaml as a commented dev.services entry (with the package manager
// of the lock file), and uncommenting the dev section gives a config that
// loads with that sidecar.
func TestInitSuggestsDevSidecar(t *testing.T) {
	for _, c := range []struct{ lock, cmd string }{{"", "npm run dev"}, {"pnpm-lock.yaml", "pnpm run dev"}, {"yarn.lock", "yarn run dev"}} {
		dir := t.TempDir()
		must(t, os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"scripts":{"dev":"vite","build":"vite build"}}`), 0o644))
		if c.lock != "" {
			must(t, os.WriteFile(filepath.Join(dir, c.lock), nil, 0o644))
		}
		var out bytes.Buffer
		if err := testSources.Init(&out, dir, "default", false); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "`"+c.cmd+"` is in phprun.yaml under dev.services") {
			t.Errorf("init did not say so:\n%s", out.String())
		}
		yml := string(mustRead(t, filepath.Join(dir, "phprun.yaml")))
		if !strings.Contains(yml, "#       command: "+c.cmd+"\n") {
			t.Fatalf("phprun.yaml lacks the sidecar:\n%s", yml)
		}
		// uncomment the dev section: "# dev:" and the "#   " lines after it
		lines := strings.Split(yml, "\n")
		in := false
		for i, l := range lines {
			switch {
			case l == "# dev:":
				in, lines[i] = true, "dev:"
			case in && strings.HasPrefix(l, "#   "):
				lines[i] = l[2:]
			default:
				in = false
			}
		}
		must(t, os.WriteFile(filepath.Join(dir, "phprun.yaml"), []byte(strings.Join(lines, "\n")), 0o644))
		lc, err := config.Load(config.Options{Dir: dir, RequireFile: true})
		if err != nil {
			t.Fatalf("uncommented config: %v", err)
		}
		s, ok := lc.Config.Dev.Services["assets"]
		if !ok || s.Command != c.cmd || !s.RemainAfterExit || s.RestartSec != 2 {
			t.Fatalf("dev.services = %+v", lc.Config.Dev.Services)
		}
	}
}

func TestInitWithoutDevScript(t *testing.T) {
	for _, pkg := range []string{`{"scripts":{"build":"vite build"}}`, `{not json`} {
		dir := t.TempDir()
		must(t, os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644))
		var out bytes.Buffer
		if err := testSources.Init(&out, dir, "default", false); err != nil {
			t.Fatal(err)
		}
		if yml := string(mustRead(t, filepath.Join(dir, "phprun.yaml"))); strings.Contains(yml, "services:") {
			t.Fatalf("%s: a sidecar was suggested:\n%s", pkg, yml)
		}
		if pkg == `{not json` && !strings.Contains(out.String(), "package.json is not valid JSON") {
			t.Fatalf("invalid package.json not reported:\n%s", out.String())
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
