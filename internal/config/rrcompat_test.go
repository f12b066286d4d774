package config

import (
	"path/filepath"
	"reflect"
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

// rrV3Keys are the keys of RoadRunner's published v3 schema (and its
// plugins' config structs) for the sections phprun implements: server,
// rpc, http, status, logs.
var rrV3Keys = strings.Fields(`
server.command server.env server.relay server.relay_timeout server.user server.group
server.on_init.command server.on_init.exec_timeout server.on_init.env server.on_init.user server.on_init.exit_on_error
rpc.listen
http.address http.internal_error_code http.max_request_size http.raw_body http.access_logs http.middleware
http.trusted_subnets http.trusted_headers
http.uploads.dir http.uploads.forbid http.uploads.allow
http.headers.request http.headers.response http.headers.cors.allowed_origin http.headers.cors.allowed_origin_regex
http.headers.cors.allowed_headers http.headers.cors.allowed_methods http.headers.cors.allow_credentials
http.headers.cors.exposed_headers http.headers.cors.max_age http.headers.cors.options_success_status http.headers.cors.debug
http.static.dir http.static.forbid http.static.allow http.static.calculate_etag http.static.weak http.static.request http.static.response
http.ssl.address http.ssl.redirect http.ssl.cert http.ssl.key http.ssl.root_ca http.ssl.client_auth_type
http.ssl.acme.cache_dir http.ssl.acme.email http.ssl.acme.alt_http_port http.ssl.acme.alt_tlsalpn_port
http.ssl.acme.challenge_type http.ssl.acme.use_production_endpoint http.ssl.acme.domains
http.http2.h2c http.http2.max_concurrent_streams http.http3.address http.http3.cert http.http3.key http.fcgi.address
http.pool.num_workers http.pool.max_jobs http.pool.max_queue_size http.pool.allocate_timeout http.pool.reset_timeout
http.pool.stream_timeout http.pool.destroy_timeout http.pool.debug http.pool.command
http.pool.supervisor.watch_tick http.pool.supervisor.ttl http.pool.supervisor.idle_ttl
http.pool.supervisor.max_worker_memory http.pool.supervisor.exec_ttl
http.pool.dynamic_allocator.max_workers http.pool.dynamic_allocator.spawn_rate http.pool.dynamic_allocator.idle_timeout
status.address status.unavailable_status_code status.check_timeout
logs.mode logs.level logs.encoding logs.output logs.err_output logs.line_ending
logs.channels.http.mode logs.channels.http.level logs.channels.http.encoding logs.channels.http.output
logs.channels.http.err_output logs.channels.http.line_ending
logs.file_logger_options.log_output logs.file_logger_options.max_size logs.file_logger_options.max_age
logs.file_logger_options.max_backups logs.file_logger_options.compress
`)

// Every RoadRunner v3 key of an implemented section is either a phprun key
// or one of the features phprun names as missing: none can be reported as
// unknown (with a "did you mean").
func TestEveryRoadRunnerKeyIsKnown(t *testing.T) {
	schema := buildSchema(reflect.TypeOf(Config{}))
	for _, key := range rrV3Keys {
		if n := lookupRRKey(schema, key); n == nil && rrUnsupportedWarning(key) == "" {
			t.Errorf("RoadRunner key %s is unknown to phprun", key)
		}
	}
}

// lookupRRKey finds key in the schema, reading map levels (channels.NAME)
// as their element.
func lookupRRKey(n *schemaNode, key string) *schemaNode {
	for _, seg := range strings.Split(key, ".") {
		switch {
		case n == nil:
			return nil
		case n.fields != nil:
			n = n.fields[seg]
		case n.elem != nil:
			n = n.elem
		default:
			return nil
		}
	}
	return n
}
