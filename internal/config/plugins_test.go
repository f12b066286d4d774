package config

import (
	"strings"
	"testing"
)

// TestKVConfig: the kv section loads into named storages with their driver
// maps, and each mistake is reported with the file, line and key.
func TestKVConfig(t *testing.T) {
	yaml := `version: "3"
server:
  command: php worker.php
http:
  address: 127.0.0.1:8080
rpc:
  listen: tcp://127.0.0.1:6001
kv:
  local:
    driver: memory
    config:
      interval: 250ms
  big:
    driver: memory
    max_value_size: 1024
`
	lc, err := Load(Options{Dir: project(t, map[string]string{"phprun.yaml": yaml})})
	if err != nil {
		t.Fatal(err)
	}
	if got := lc.Config.KV; len(got) != 2 || got["local"].Driver != "memory" || got["local"].Config["interval"] != "250ms" || got["big"].MaxValueSize != 1024 {
		t.Fatalf("kv = %#v", got)
	}
	for _, w := range lc.Warnings {
		if strings.Contains(w, "kv") {
			t.Errorf("warning about kv: %s", w)
		}
	}

	bad := `version: "3"
server:
  command: php worker.php
http:
  address: 127.0.0.1:8080
kv:
  nodriver:
    config: {}
  typo:
    driver: memroy
  badkey:
    driver: memory
    config:
      intervall: 1s
`
	_, err = Load(Options{Dir: project(t, map[string]string{"phprun.yaml": bad})})
	for _, want := range []string{
		"phprun.yaml:7:3: kv.nodriver.driver: missing",
		`phprun.yaml:10:5: kv.typo.driver: unknown driver "memroy"`,
		"phprun.yaml:14:7: kv.badkey.config.intervall: unknown key",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\nwant %q", err, want)
		}
	}
}

// TestMetricsConfig: summary objectives survive the loader (which splits
// keys on dots), and a bad collector is reported with its line.
func TestMetricsConfig(t *testing.T) {
	yaml := `version: "3"
server:
  command: php worker.php
http:
  address: 127.0.0.1:8080
metrics:
  address: 127.0.0.1:2112
  collect:
    lat:
      type: summary
      objectives: {0.5: 0.05, 0.99: 0.001}
`
	lc, err := Load(Options{Dir: project(t, map[string]string{"phprun.yaml": yaml})})
	if err != nil {
		t.Fatal(err)
	}
	q, err := lc.Config.Metrics.Collect["lat"].Quantiles()
	if err != nil || len(q) != 2 || q[0.5] != 0.05 || q[0.99] != 0.001 {
		t.Fatalf("objectives = %v, %v", q, err)
	}
	bad := `version: "3"
server:
  command: php worker.php
http:
  address: 127.0.0.1:8080
metrics:
  address: nohost
  collect:
    lat:
      type: meter
`
	_, err = Load(Options{Dir: project(t, map[string]string{"phprun.yaml": bad})})
	for _, want := range []string{
		`phprun.yaml:7:3: metrics.address: want host:port, got "nohost"`,
		"phprun.yaml:9:5: metrics.collect.lat: invalid metric type `meter` for `lat`",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\nwant %q", err, want)
		}
	}
}
