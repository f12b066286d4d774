package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// A .rr.yaml written for RoadRunner 2025 loads without "unknown key"
// warnings; what phprun lacks gets one plain warning, never a "did you
// mean" pointing at a phprun key.
func TestRoadRunnerKeys(t *testing.T) {
	yaml := `version: "3"
server:
  command: php worker.php
  relay_timeout: 20s
  user: ""
  env:
    - APP_ENV: production
    - DEBUG: "0"
  on_init:
    command: "php init.php"
    exec_timeout: 20s
    exit_on_error: true
http:
  address: 127.0.0.1:8080
  middleware: [gzip, otel, sendfile]
  http3:
    address: 127.0.0.1:8443
  fcgi:
    address: tcp://127.0.0.1:9000
  ssl:
    acme:
      domains: [example.com]
  uploads:
    allow: [".png"]
  pool:
    allocate_timeout: 60
    dynamic_allocator:
      max_workers: 10
      spawn_rate: 2
      idle_timeout: 10s
logs:
  err_output: stderr
  line_ending: "\n"
  file_logger_options:
    max_size: 10
  channels:
    http:
      level: debug
`
	errs, warns := problems(t, yaml, "PHPRUN_SERVER__ENV__APP_ENV=staging")
	if errs != "" {
		t.Fatalf("errors: %s", errs)
	}
	for _, want := range []string{
		"phprun.yaml:16:3: http.http3: HTTP/3 is not available in phprun; ignored",
		"http.fcgi: FastCGI is not available in phprun; ignored",
		"http.ssl.acme: ACME certificates are not available",
		"logs.file_logger_options: log file rotation is not available",
		`phprun.yaml:26:5: http.pool.allocate_timeout: 60 is 60ns (a bare number is nanoseconds, as in RoadRunner); write "60s" for seconds`,
		`http.middleware[1]: middleware "otel" is not available in phprun; skipped`,
	} {
		if !strings.Contains(warns, want) {
			t.Errorf("missing warning %q in:\n%s", want, warns)
		}
	}
	if strings.Contains(warns, "unknown key") || strings.Contains(warns, "did you mean") {
		t.Errorf("a RoadRunner key reported unknown:\n%s", warns)
	}
	if n := strings.Count(warns, "\n") + 1; n != 6 {
		t.Errorf("%d warnings, want one per ignored key (6):\n%s", n, warns)
	}
}

// server.env in list form, and PHPRUN_SERVER__ENV__APP_ENV overriding
// server.env.app_env from the file as one entry (env keys are upper-cased
// everywhere).
func TestServerEnvForms(t *testing.T) {
	dir := project(t, map[string]string{"phprun.yaml": strings.Replace(baseYAML, "server:\n  command: php worker.php\n",
		"server:\n  command: php w.php\n  env:\n    - app_env: production\n    - Debug: \"1\"\n", 1)})
	dir2 := project(t, map[string]string{"phprun.yaml": strings.Replace(baseYAML, "server:\n  command: php worker.php\n",
		"server:\n  command: php w.php\n  env:\n    app_env: production\n", 1)})
	for _, d := range []string{dir, dir2} {
		lc, err := Load(Options{Dir: d, Environ: []string{"PHPRUN_SERVER__ENV__APP_ENV=staging"}})
		if err != nil {
			t.Fatal(err)
		}
		env := lc.Config.Server.Env
		if env["APP_ENV"] != "staging" || len(env) > 2 || (d == dir && env["DEBUG"] != "1") {
			t.Errorf("server.env = %v", env)
		}
		if src := lc.Sources["server.env.APP_ENV"]; !strings.HasPrefix(src, "env ") {
			t.Errorf("source %q", src)
		}
	}
	if errs, _ := problems(t, strings.Replace(baseYAML, "command: php worker.php", "command: php worker.php\n  env: [1, 2]", 1)); !strings.Contains(errs, "server.env: entry 0: expected NAME: value") {
		t.Errorf("bad list form: %q", errs)
	}
}

// Relative paths resolve against -w DIR when given, else against the
// config file's folder, as RoadRunner does; a path error names both.
func TestPathBase(t *testing.T) {
	root := project(t, map[string]string{
		"conf/.rr.yaml": baseYAML + "  middleware: [static]\n  static:\n    dir: public\n",
		"app/public/a":  "x",
		"conf/public/b": "y",
		"other/.keep":   "",
	})
	lc, err := Load(Options{Dir: filepath.Join(root, "app"), File: "../conf/.rr.yaml", Workdir: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := lc.Config.HTTP.Static.Dir; got != filepath.Join(root, "app", "public") || lc.Base != filepath.Join(root, "app") {
		t.Errorf("with -w: static.dir %s, base %s", got, lc.Base)
	}
	lc, err = Load(Options{Dir: root, File: "conf/.rr.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if got := lc.Config.HTTP.Static.Dir; got != filepath.Join(root, "conf", "public") {
		t.Errorf("without -w: static.dir %s", got)
	}
	_, err = Load(Options{Dir: filepath.Join(root, "other"), File: "../conf/.rr.yaml", Workdir: true})
	want := `(public resolved against ` + filepath.Join(root, "other") + `, the -w directory)`
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), filepath.Join(root, "other", "public")) {
		t.Errorf("got %v, want %s", err, want)
	}
}
