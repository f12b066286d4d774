package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const (
	module   = "github.com/phprun/phprun"
	fielderr = module + "/internal/fielderr"
)

// allowedImports is ARCHITECTURE.md's dependency table: which imports each
// package's non-test code may use besides the standard library. A prefix
// ending in "/" allows a whole tree.
var allowedImports = map[string][]string{
	"engine/wire": nil,
	"engine/fdio": nil,
	"engine":      {module + "/engine/wire", module + "/engine/fdio", fielderr, module + "/internal/procstat"},
	"httpfront":   {module + "/engine", module + "/engine/wire", module + "/engine/fdio", fielderr, module + "/internal/jsonw", "golang.org/x/net/", module + "/httpfront/internal/", module + "/httpfront/access"},
	// the access record and its ring: HTTP facts for the dashboard and metrics, a leaf
	"httpfront/access": nil,
	// httpfront's connection plumbing: a leaf, shared with its fast path
	"httpfront/internal/conns": nil,
	// the HTTP/1.1 fast path: net/http's rules; of the engine only the fdio leaf
	"httpfront/internal/h1": {module + "/httpfront/internal/conns", module + "/engine/fdio", "golang.org/x/net/http/httpguts"},
	"rpc":                   {module + "/engine", module + "/engine/wire", fielderr},
	"watch":                 {"github.com/fsnotify/fsnotify", fielderr},
	"tui":                   {module + "/engine", module + "/httpfront/access", "github.com/charmbracelet/", "github.com/muesli/termenv"},
	"internal/protocodec":   {"google.golang.org/protobuf/"},
	"jobs":                  {module + "/engine", module + "/engine/wire", module + "/jobs/jobsv1", fielderr, module + "/internal/jsonw", "google.golang.org/protobuf/"},
	"jobs/memory":           {module + "/jobs"},
	"jobs/boltdb":           {module + "/jobs", module + "/jobs/memory", "go.etcd.io/bbolt"},
	"jobs/jobstest":         {module + "/jobs"},
	"jobs/amqp":             {module + "/jobs", fielderr, "github.com/rabbitmq/amqp091-go"},
	"jobs/nats":             {module + "/jobs", "github.com/nats-io/", "golang.org/x/time/rate"},
	// test-only: starts real brokers for driver tests
	"internal/testbroker": nil,
	"jobs/brokertest":     {module + "/jobs", module + "/jobs/jobstest", module + "/internal/testbroker"},
	// internal/config composes the sections the packages above own; only
	// package main and its commands (internal/clicmd) import it.
	"internal/config": {module + "/engine", module + "/httpfront", module + "/rpc", module + "/watch", module + "/jobs", module + "/service",
		module + "/jobs/amqp", module + "/jobs/nats",
		fielderr, module + "/internal/logging", "github.com/knadh/koanf/", "go.yaml.in/yaml/v4",
		module + "/kv", module + "/kv/drivers", module + "/metrics"},
	"internal/logging": {module + "/engine", fielderr},
	// `phprun init`: templates and the PHP runtime, handed in by main; a leaf
	"internal/scaffold": nil,
	// the CLI commands that talk to a running server, and config/completion;
	// clients of the packages' RPC services, imported by main only
	"internal/clicmd": {module + "/internal/config", module + "/rpc", module + "/jobs", module + "/jobs/jobsv1",
		module + "/kv", module + "/kv/kvv1", module + "/service", module + "/internal/protocodec", module + "/internal/termtable", "github.com/alecthomas/kong"},
	// the server's wiring of the jobs and service plugins: what health,
	// RPC informer, metrics and the dashboard read of them; used by main
	"internal/plugins": {module + "/engine", module + "/jobs", module + "/jobs/amqp", module + "/jobs/boltdb", module + "/jobs/memory",
		module + "/jobs/nats", module + "/rpc", module + "/tui", module + "/metrics", module + "/service"},
	// the command line's tables (workers, jobs list, services list); a leaf
	"internal/termtable": {"github.com/charmbracelet/lipgloss", "github.com/charmbracelet/lipgloss/table"},
	// the typed field error every section's Validate returns; a leaf
	"internal/fielderr": nil,
	// JSON string appenders shared by the HTTP and jobs contexts; a leaf
	"internal/jsonw":    nil,
	"service":           {module + "/engine", module + "/service/servicev1", fielderr, "google.golang.org/protobuf/"},
	"service/servicev1": {"google.golang.org/protobuf/"},
	// boot_ms's early clock; imports time, syscall and the stat-line parser only (startclock.go)
	"internal/startclock": {module + "/internal/procstat"},
	// the one parser of /proc/<pid>/stat lines (engine samples, startclock); a leaf
	"internal/procstat": nil,
	"kv":                {module + "/kv/kvv1", fielderr, "github.com/go-viper/mapstructure/v2"},
	"kv/drivers":        {module + "/kv", module + "/kv/memory", module + "/kv/boltdb", module + "/kv/redis", module + "/kv/memcached"},
	"kv/kvv1":           {"google.golang.org/protobuf/"},
	"kv/memory":         {module + "/kv"},
	"kv/boltdb":         {module + "/kv", "go.etcd.io/bbolt"},
	"kv/redis":          {module + "/kv", "github.com/redis/go-redis/v9"},
	"kv/memcached":      {module + "/kv", "github.com/bradfitz/gomemcache/"},
	"metrics":           {module + "/engine", fielderr, "github.com/prometheus/client_golang/", "github.com/prometheus/client_model/"},
}

// TestImportDirection keeps dependencies pointing into the engine: no
// sibling imports among httpfront, rpc, watch and tui, and the engine knows
// nothing of HTTP, terminals or config files.
func TestImportDirection(t *testing.T) {
	for dir, allowed := range allowedImports {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		if len(files) == 0 {
			t.Errorf("%s: no Go files; update allowedImports if the package moved", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			for _, imp := range importsOf(t, f) {
				if isStdlib(imp) || allowedBy(imp, allowed) {
					continue
				}
				t.Errorf("%s imports %s, which ARCHITECTURE.md does not allow for package %s", f, imp, dir)
			}
		}
	}
}

// httpPackages are the standard library's HTTP packages. The engine runs
// PHP workers for any front (HTTP, jobs, services) and must import none of
// them: an HTTP fact it needs to carry goes in an opaque annotation
// (engine.Tag), and HTTP records live in httpfront/access.
var httpPackages = []string{"net/http", "net/url", "mime", "mime/multipart", "net/textproto"}

// TestEngineImportsNoHTTP: the table above allows every standard package,
// so the engine's freedom from HTTP is checked on its own.
func TestEngineImportsNoHTTP(t *testing.T) {
	for _, dir := range []string{"engine", "engine/wire", "engine/fdio"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			for _, imp := range importsOf(t, f) {
				if strings.HasPrefix(imp, "net/http") || slices.Contains(httpPackages, imp) {
					t.Errorf("%s imports %s: the engine knows nothing of HTTP", f, imp)
				}
			}
		}
	}
}

func importsOf(t *testing.T, file string) []string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range f.Imports {
		p, _ := strconv.Unquote(s.Path.Value)
		out = append(out, p)
	}
	return out
}

func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func allowedBy(path string, allowed []string) bool {
	for _, a := range allowed {
		if path == a || (strings.HasSuffix(a, "/") && strings.HasPrefix(path, a)) {
			return true
		}
	}
	return false
}
