package config

import (
	"reflect"
	"strings"
	"testing"
)

// TestPluginConfigExpansion: ${VAR} references inside a plugin's free-form
// config map (a kv storage's, a jobs pipeline's) are expanded at any depth,
// as RoadRunner expands the whole file. A RoadRunner config with
// `addrs: ["${REDIS_HOST}:6379"]` used to reach go-redis verbatim and fail
// every call with "missing port in address".
func TestPluginConfigExpansion(t *testing.T) {
	dir := project(t, map[string]string{
		"phprun.yaml": baseYAML + `rpc:
  listen: tcp://127.0.0.1:6001
kv:
  red:
    driver: redis
    config:
      addrs: ["${REDIS_HOST}:${REDIS_PORT:-6379}"]
      password: $REDIS_PASS
      tls:
        cert: ${CERTS}/client.pem
        key: ${CERTS}/client.key
jobs:
  pipelines:
    q:
      driver: memory
      config:
        priority: 3
        prefetch: ${PREFETCH:-100}
`,
	})
	lc, err := Load(Options{Dir: dir, Environ: []string{"REDIS_HOST=10.0.0.5", "REDIS_PASS=s3cret", "CERTS=/etc/certs"}})
	if err != nil {
		t.Fatal(err)
	}
	got := lc.Config.KV["red"].Config
	want := map[string]any{
		"addrs":    []any{"10.0.0.5:6379"},
		"password": "s3cret",
		"tls":      map[string]any{"cert": "/etc/certs/client.pem", "key": "/etc/certs/client.key"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kv.red.config = %#v, want %#v", got, want)
	}
	if p := lc.Config.Jobs.Pipelines["q"].Config; p["prefetch"] != "100" || p["priority"] != 3 {
		t.Errorf("jobs.pipelines.q.config = %#v", p)
	}

	// A broken reference names the key.
	dir = project(t, map[string]string{
		"phprun.yaml": baseYAML + "kv:\n  red:\n    driver: redis\n    config:\n      addrs: [\"${REDIS_HOST\"]\n",
	})
	_, err = Load(Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "kv.red.config") {
		t.Fatalf("Load = %v, want an error naming kv.red.config", err)
	}
}
