package config

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func buildSchemaKeys() []string { return buildSchema(reflect.TypeOf(Config{})).keys("") }

// project writes files into a fresh directory and returns it.
func project(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const baseYAML = `version: "3"
server:
  command: php worker.php
http:
  address: 127.0.0.1:8080
`

// TestLayering checks that each layer beats the one before it, for one key
// set in every layer and for keys set only in earlier ones.
func TestLayering(t *testing.T) {
	file := baseYAML + "  pool:\n    num_workers: 2\n    max_jobs: 5\n"
	tests := []struct {
		name      string
		file      string
		dotenv    string
		env       []string
		overrides []string
		flags     []FlagValue
		key       string
		want      any
		src       string
	}{
		{name: "default", file: baseYAML, key: "http.pool.max_jobs", want: uint64(0), src: "default"},
		{name: "file beats default", file: file, key: "http.pool.max_jobs", want: uint64(5), src: "file phprun.yaml:8:5"},
		{name: "dotenv beats file", file: file, dotenv: "PHPRUN_HTTP__POOL__MAX_JOBS=6\n",
			key: "http.pool.max_jobs", want: uint64(6), src: "dotenv .env: PHPRUN_HTTP__POOL__MAX_JOBS"},
		{name: "env beats dotenv", file: file, dotenv: "PHPRUN_HTTP__POOL__MAX_JOBS=6\n", env: []string{"PHPRUN_HTTP__POOL__MAX_JOBS=7"},
			key: "http.pool.max_jobs", want: uint64(7), src: "env PHPRUN_HTTP__POOL__MAX_JOBS"},
		{name: "-o beats env", file: file, env: []string{"PHPRUN_HTTP__POOL__MAX_JOBS=7"}, overrides: []string{"http.pool.max_jobs=8"},
			key: "http.pool.max_jobs", want: uint64(8), src: "flag -o http.pool.max_jobs=8"},
		{name: "last -o wins", file: file, overrides: []string{"http.pool.max_jobs=8", "http.pool.max_jobs='9'"},
			key: "http.pool.max_jobs", want: uint64(9), src: "flag -o http.pool.max_jobs='9'"},
		{name: "flag beats env", file: file + "logs:\n  level: warn\n", env: []string{"PHPRUN_LOGS__LEVEL=error"},
			flags: []FlagValue{{"--log-level", "logs.level", "debug"}}, key: "logs.level", want: "debug", src: "flag --log-level"},
		{name: "empty flag does not override", file: file + "logs:\n  level: warn\n",
			flags: []FlagValue{{"--log-level", "logs.level", ""}}, key: "logs.level", want: "warn", src: "file phprun.yaml:10:3"},
		{name: "earlier layer kept for other keys", file: file, env: []string{"PHPRUN_HTTP__POOL__MAX_JOBS=7"},
			key: "http.pool.num_workers", want: 2, src: "file phprun.yaml:7:5"},
		{name: "env duration", file: file, env: []string{"PHPRUN_HTTP__POOL__ALLOCATE_TIMEOUT=3s"},
			key: "http.pool.allocate_timeout", want: 3 * time.Second, src: "env PHPRUN_HTTP__POOL__ALLOCATE_TIMEOUT"},
		{name: "env list splits on commas", file: file, env: []string{"PHPRUN_WATCH__DIRS=src, config"},
			key: "watch.dirs", want: []string{"src", "config"}, src: "env PHPRUN_WATCH__DIRS"},
		{name: "-o command splits on spaces", file: file, overrides: []string{"server.command=php -d x=1 w.php"},
			key: "server.command", want: []string{"php", "-d", "x=1", "w.php"}, src: "flag -o server.command=php -d x=1 w.php"},
		{name: "expanded -o", file: file, env: []string{"PORT=9999"}, overrides: []string{"http.address=127.0.0.1:${PORT}"},
			key: "http.address", want: "127.0.0.1:9999", src: "flag -o http.address=127.0.0.1:${PORT}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"phprun.yaml": tt.file}
			opts := Options{Environ: tt.env, Overrides: tt.overrides, Flags: tt.flags}
			if tt.dotenv != "" {
				files[".env"] = tt.dotenv
				opts.Dotenv = ".env"
			}
			opts.Dir = project(t, files)
			lc, err := Load(opts)
			if err != nil {
				t.Fatal(err)
			}
			got := lookupKey(t, lc.Config, tt.key)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s = %#v, want %#v", tt.key, got, tt.want)
			}
			if lc.Sources[tt.key] != tt.src {
				t.Errorf("source of %s = %q, want %q", tt.key, lc.Sources[tt.key], tt.src)
			}
		})
	}
}

// lookupKey reads a dotted key out of a Config through its koanf tags.
func lookupKey(t *testing.T, c Config, key string) any {
	t.Helper()
	flat := map[string]any{}
	flatten("", toMap(reflect.ValueOf(c)), flat)
	v, ok := flat[key]
	if !ok {
		t.Fatalf("no key %s", key)
	}
	return v
}

func TestEnvfileKey(t *testing.T) {
	dir := project(t, map[string]string{
		"app/phprun.yaml":  baseYAML + "envfile: conf/app.env\nrpc:\n  listen: ${RPC:-tcp://127.0.0.1:6001}\n",
		"app/conf/app.env": "RPC=tcp://127.0.0.1:7001\nPHPRUN_HTTP__POOL__MAX_JOBS=3\n",
		"other.env":        "RPC=tcp://127.0.0.1:7002\n",
	})
	lc, err := Load(Options{Dir: dir, File: "app/phprun.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if lc.Config.RPC.Listen != "tcp://127.0.0.1:7001" || lc.Config.HTTP.Pool.MaxJobs != 3 {
		t.Errorf("envfile not applied: listen %s, max_jobs %d", lc.Config.RPC.Listen, lc.Config.HTTP.Pool.MaxJobs)
	}
	if got := lc.Sources["http.pool.max_jobs"]; got != "dotenv conf/app.env: PHPRUN_HTTP__POOL__MAX_JOBS" {
		t.Errorf("source = %q", got)
	}
	// --dotenv wins over envfile
	lc, err = Load(Options{Dir: dir, File: "app/phprun.yaml", Dotenv: "other.env"})
	if err != nil {
		t.Fatal(err)
	}
	if lc.Config.RPC.Listen != "tcp://127.0.0.1:7002" || lc.Config.HTTP.Pool.MaxJobs != 0 {
		t.Errorf("--dotenv must replace envfile: listen %s, max_jobs %d", lc.Config.RPC.Listen, lc.Config.HTTP.Pool.MaxJobs)
	}
}

func TestFileExpansion(t *testing.T) {
	dir := project(t, map[string]string{
		"phprun.yaml": `version: "3"
server:
  command: ["php", "${SCRIPT:-worker.php}"]
  env:
    DSN: "mysql://${DB_HOST:-localhost}/${DB_NAME}"
http:
  address: "${HOST:-127.0.0.1}:${PORT:-8080}"
`,
		".env": "DB_NAME=fromdotenv\nPORT=7000\n# comment\nexport HOST='10.0.0.9'\n",
	})
	lc, err := Load(Options{Dir: dir, Dotenv: ".env", Environ: []string{"PORT=9000", "SCRIPT="}})
	if err != nil {
		t.Fatal(err)
	}
	c := lc.Config
	if want := []string{"php", "worker.php"}; !reflect.DeepEqual(c.Server.Command, want) {
		t.Errorf("command = %q, want %q (empty SCRIPT takes the default)", c.Server.Command, want)
	}
	if got, want := c.Server.Env["DSN"], "mysql://localhost/fromdotenv"; got != want {
		t.Errorf("env DSN = %q, want %q", got, want)
	}
	// the process environment (PORT=9000) beats the .env file (PORT=7000)
	if got, want := c.HTTP.Address, "10.0.0.9:9000"; got != want {
		t.Errorf("address = %q, want %q", got, want)
	}
}

// problems loads a config and returns its problems and warnings as text.
func problems(t *testing.T, yaml string, env ...string) (errs, warns string) {
	t.Helper()
	lc, err := Load(Options{Dir: project(t, map[string]string{"phprun.yaml": yaml}), Environ: env})
	var ce *Error
	if err != nil && !errors.As(err, &ce) {
		t.Fatalf("error %v is not a *Error", err)
	}
	if err != nil {
		errs = err.Error()
	}
	if lc != nil {
		warns = strings.Join(lc.Warnings, "\n")
	}
	return errs, warns
}

func TestConfigProblems(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		env      []string
		errs     []string // substrings of the error, each required
		warns    []string
		noErrors bool
	}{
		{name: "wrong type", yaml: baseYAML + "  pool:\n    num_workers: \"four\"\n",
			errs: []string{`phprun.yaml:7:5: http.pool.num_workers: expected an integer, got "four"`}},
		{name: "wrong type from env", yaml: baseYAML, env: []string{"PHPRUN_HTTP__POOL__DEBUG=maybe"},
			errs: []string{`env PHPRUN_HTTP__POOL__DEBUG: http.pool.debug: expected true or false, got "maybe"`}},
		{name: "bad duration", yaml: baseYAML + "  pool:\n    allocate_timeout: soon\n",
			errs: []string{`phprun.yaml:7:5: http.pool.allocate_timeout: expected a duration such as "60s"`}},
		{name: "section expected", yaml: baseYAML + "rpc: 5\n",
			errs: []string{`phprun.yaml:6:1: rpc: expected a section of keys, got 5`}},
		{name: "bad yaml", yaml: "version: \"3\"\nserver:\n  command: php\nhttp:\n  address: a: b\n",
			errs: []string{"phprun.yaml:5:13: invalid YAML: mapping values are not allowed in this context\n    5 |   address: a: b\n" + strings.Repeat(" ", 20) + "^"}},
		{name: "unclosed list", yaml: "version: \"3\"\nserver:\n  command: [php, worker.php\nhttp:\n  address: x\n",
			errs: []string{"phprun.yaml:4:5: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence started at 3:12)"}},
		{name: "tab indentation", yaml: "version: \"3\"\nserver:\n\tcommand: php\n",
			errs: []string{"phprun.yaml:3:1: invalid YAML: found character that cannot start any token"}},
		{name: "duplicate key", yaml: baseYAML + "  address: 127.0.0.1:9090\n",
			errs: []string{"phprun.yaml:6:3: http.address: duplicate key (first set at 5:3); keep one"}},
		{name: "merge keys", yaml: "version: \"3\"\nbase: &b\n  address: 127.0.0.1:1\nserver:\n  command: php w.php\nhttp:\n  <<: *b\n  address: 127.0.0.1:2\n",
			noErrors: true, warns: []string{"unknown key base"}},
		{name: "not a mapping", yaml: "- a\n- b\n", errs: []string{"phprun.yaml:1:1: the file must be a YAML mapping"}},
		{name: "missing version", yaml: strings.TrimPrefix(baseYAML, "version: \"3\"\n"),
			errs: []string{`phprun.yaml: version: required; add version: "3"`}},
		{name: "version 4", yaml: strings.Replace(baseYAML, `"3"`, `"4"`, 1),
			errs: []string{`phprun.yaml:1:1: version: want "3", got "4"`}},
		{name: "version 2.7 warns", yaml: strings.Replace(baseYAML, `"3"`, `"2.7"`, 1), noErrors: true,
			warns: []string{`phprun.yaml:1:1: version: "2.7" is RoadRunner's old format`}},
		{name: "unknown key", yaml: baseYAML + "  adress: x\n", noErrors: true,
			warns: []string{"phprun.yaml:6:3: unknown key http.adress (did you mean http.address?); ignored"}},
		{name: "unknown env key", yaml: baseYAML, env: []string{"PHPRUN_HTTP__POOL__NUM_WORKRS=3"}, noErrors: true,
			warns: []string{"env PHPRUN_HTTP__POOL__NUM_WORKRS: unknown key http.pool.num_workrs (did you mean http.pool.num_workers?)"}},
		{name: "unknown section", yaml: baseYAML + "htttp:\n  address: x\n", noErrors: true,
			warns: []string{"phprun.yaml:6:1: unknown key htttp (did you mean http?); ignored"}},
		{name: "RoadRunner plugin", yaml: baseYAML + "temporal:\n  address: x\n", noErrors: true,
			warns: []string{"phprun.yaml:6:1: section temporal is a RoadRunner plugin that phprun does not implement"}},
		{name: "unknown middleware warns", yaml: baseYAML + "  middleware: [gzip, nope]\n", noErrors: true, // RoadRunner warns and serves
			warns: []string{`phprun.yaml:6:3: http.middleware[1]: middleware "nope" is not available in phprun; skipped`}},
		{name: "every problem at once", yaml: `server:
  relay: "tcp://:6002"
http:
  address: nohost
  pool:
    num_workers: 501
    max_jobs: -1
logs:
  encoding: xml
watch:
  debounce: -1s
dev:
  workers: -2
`, errs: []string{
			`phprun.yaml:11:3: watch.debounce: must be >= 0, got -1s`,
			`phprun.yaml:13:3: dev.workers: want 0 (min(CPUs, 4)) to 500, got -2`,
			`phprun.yaml: version: required`,
			`phprun.yaml:7:5: http.pool.max_jobs: expected a non-negative integer, got -1`,
			`phprun.yaml:1:1: server.command: required`,
			`phprun.yaml:2:3: server.relay: "tcp://:6002"`,
			`phprun.yaml:4:3: http.address: want host:port, got "nohost"`,
			`phprun.yaml:6:5: http.pool.num_workers: must be at most 500, got 501`,
			`phprun.yaml:9:3: logs.encoding: want json or console, got "xml"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs, warns := problems(t, tt.yaml, tt.env...)
			if tt.noErrors && errs != "" {
				t.Errorf("unexpected errors:\n%s", errs)
			}
			for _, want := range tt.errs {
				if !strings.Contains(errs, want) {
					t.Errorf("errors lack %q; got:\n%s", want, errs)
				}
			}
			for _, want := range tt.warns {
				if !strings.Contains(warns, want) {
					t.Errorf("warnings lack %q; got:\n%s", want, warns)
				}
			}
		})
	}
}

func TestMissingConfigFile(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(Options{Dir: dir, RequireFile: true})
	if err == nil || !strings.Contains(err.Error(), "phprun init") {
		t.Fatalf("error = %v, want a hint to run phprun init", err)
	}
	if ce := (*Error)(nil); !errors.As(err, &ce) { // package main maps *Error to exit code 2
		t.Errorf("error = %T, want *Error", err)
	}
	if _, err := Load(Options{Dir: dir, File: "other.yaml"}); err == nil || !strings.Contains(err.Error(), "other.yaml not found") {
		t.Errorf("-c other.yaml: error = %v", err)
	}
	// without a file and without requiring one, defaults load (workers/reset use rpc.listen)
	lc, err := Load(Options{Dir: dir})
	if err == nil || lc == nil || lc.Config.RPC.Listen != "tcp://127.0.0.1:6001" {
		// http.address and server.command are required, so validation fails, but the
		// rpc defaults must still be there for `phprun workers`.
		t.Fatalf("loadConfig without a file: %v, %+v", err, lc)
	}
}

func TestRRFileFallback(t *testing.T) {
	dir := project(t, map[string]string{".rr.yaml": baseYAML})
	lc, err := Load(Options{Dir: dir, RequireFile: true})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(lc.File) != ".rr.yaml" {
		t.Errorf("file = %s, want .rr.yaml", lc.File)
	}
	dir = project(t, map[string]string{".rr.yaml": "junk: [", "phprun.yaml": baseYAML})
	if lc, err = Load(Options{Dir: dir}); err != nil || filepath.Base(lc.File) != "phprun.yaml" {
		t.Errorf("phprun.yaml must win over .rr.yaml: %v %v", lc, err)
	}
}

func TestRPCPresence(t *testing.T) {
	for yaml, want := range map[string]bool{baseYAML: false, baseYAML + "rpc:\n": true, baseYAML + "rpc:\n  listen: tcp://127.0.0.1:6002\n": true} {
		lc, err := Load(Options{Dir: project(t, map[string]string{"phprun.yaml": yaml})})
		if err != nil {
			t.Fatal(err)
		}
		if lc.Present["rpc"] != want {
			t.Errorf("%q: rpc present = %v, want %v", yaml, lc.Present["rpc"], want)
		}
	}
}

func TestNumWorkersZeroMeansCPUs(t *testing.T) {
	lc, err := Load(Options{Dir: project(t, map[string]string{"phprun.yaml": baseYAML + "  pool:\n    num_workers: 0\n"})})
	if err != nil {
		t.Fatal(err)
	}
	if n := lc.Config.Engine("", false).Pool.NumWorkers; n < 1 {
		t.Errorf("num_workers 0 became %d, want the number of CPUs", n)
	}
	if n := lc.Config.Engine("", true).Pool.NumWorkers; n < 1 || n > 4 {
		t.Errorf("dev workers = %d, want 1..4", n)
	}
}

func TestConfigGolden(t *testing.T) {
	dir := project(t, map[string]string{
		"phprun.yaml": `version: "3"
server:
  command: "php ${SCRIPT:-worker.php}"
  env:
    APP_ENV: prod
http:
  address: 127.0.0.1:8080
  pool:
    num_workers: 2
    supervisor:
      exec_ttl: 30s
rpc:
  listen: tcp://127.0.0.1:6001
`,
		"prod.env": "PHPRUN_HTTP__POOL__MAX_JOBS=100\n",
	})
	lc, err := Load(Options{Dir: dir, Dotenv: "prod.env",
		Environ:   []string{"PHPRUN_STATUS__ADDRESS=127.0.0.1:2114"},
		Overrides: []string{"http.pool.debug=true"},
		Flags:     []FlagValue{{"--log-format", "logs.encoding", "console"}}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := Print(&b, lc); err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(b.String(), dir, "$DIR")
	golden := filepath.Join("testdata", "config.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("phprun config output differs from %s (run go test -run TestConfigGolden -update):\n%s", golden, got)
	}
}
