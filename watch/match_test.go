package watch

import (
	"path/filepath"
	"testing"
)

func TestMatcher(t *testing.T) {
	t.Parallel()
	root := "/proj"
	cfg := DefaultConfig()
	cfg.Patterns = append(cfg.Patterns, "templates/**/*.twig", "config/*.neon")
	cfg.Ignore = append(cfg.Ignore, "public/uploads/", "/tmp/up", "*.cache", "storage/*/deep")
	m := newMatcher(root, cfg)

	matches := map[string]bool{
		"index.php":                  true,
		"src/Deep/Controller.php":    true,
		".env":                       true,
		".env.local":                 true,
		"config/packages/app.yaml":   true,
		"x.yml":                      true,
		"composer.lock":              true,
		"templates/base.twig":        true, // "**" matches no directory
		"templates/a/b/c.twig":       true,
		"other/templates/base.twig":  false,
		"config/app.neon":            true,
		"config/sub/app.neon":        false,
		"a.php~":                     false,
		".a.php.swp":                 false,
		"env":                        false,
		"package.json":               false,
		"src/php":                    false,
		"a.php___jb_tmp___":          false,
		"templates/a/b/c.twig.cache": false,
	}
	for rel, want := range matches {
		abs := filepath.Join(root, rel)
		if got := m.matches(abs, filepath.Base(abs)); got != want {
			t.Errorf("matches(%q) = %v, want %v", rel, got, want)
		}
	}

	ignored := map[string]bool{
		"/proj/vendor":                true,
		"/proj/src/vendor":            true, // a component anywhere
		"/proj/node_modules":          true,
		"/proj/.git":                  true,
		"/proj/var":                   true,
		"/proj/storage":               true,
		"/proj/public/uploads":        true,
		"/proj/public/uploads/x":      true,
		"/proj/public/uploadsx":       false,
		"/proj/src/public/uploads":    false, // prefixes are relative to the root
		"/tmp/up":                     true,
		"/tmp/up/a":                   true,
		"/tmp/upper":                  false,
		"/proj/x.cache":               true,
		"/proj/storage2/a/deep":       false,
		"/proj/storage/a/deep":        true,
		"/proj/storage/a/deeper":      false,
		"/proj/src/Var":               false, // case matters
		"/proj/src/variables.php":     false,
		"/proj/src/vendor.php":        false,
		"/proj/templates/vendor-like": false,
	}
	for abs, want := range ignored {
		if got := m.ignored(abs, filepath.Base(abs)); got != want {
			t.Errorf("ignored(%q) = %v, want %v", abs, got, want)
		}
	}
}

func TestGlobSegs(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		pat, path string
		want      bool
	}{
		{"a/*.php", "a/x.php", true},
		{"a/*.php", "a/b/x.php", false},
		{"**/x.php", "x.php", true},
		{"**/x.php", "a/b/x.php", true},
		{"a/**", "a", true},
		{"a/**", "a/b/c", true},
		{"a/**/b/**/c", "a/x/b/y/z/c", true},
		{"a/**/b/**/c", "a/x/y/z/c", false},
		{"**/**", "a", true},
		{"a/b", "a", false},
		{"a", "a/b", false},
	} {
		if got := globSegs(splitRel(c.pat), splitRel(c.path)); got != c.want {
			t.Errorf("globSegs(%q, %q) = %v, want %v", c.pat, c.path, got, c.want)
		}
	}
}

func TestRelOutsideRoot(t *testing.T) {
	t.Parallel()
	m := newMatcher("/proj", DefaultConfig())
	for abs, want := range map[string]string{
		"/proj/a/b.php":   "a/b.php",
		"/other/c.php":    "../other/c.php",
		"/projx/d.php":    "../projx/d.php",
		"/proj/.env.test": ".env.test",
	} {
		if got := m.rel(abs); got != want {
			t.Errorf("rel(%q) = %q, want %q", abs, got, want)
		}
	}
}
