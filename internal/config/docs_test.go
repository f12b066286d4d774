package config

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestConfigDocsCoverEveryKey keeps docs/configuration.md complete: every
// key of Config (every koanf tag, down to the leaves) must appear in it as
// `key`, with its environment form where it has one (maps are documented
// with a NAME placeholder instead).
func TestConfigDocsCoverEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	schema := buildSchema(reflect.TypeOf(Config{}))
	for _, key := range schema.keys("") {
		if n := lookupSchema(schema, key); n == nil || n.isSection() {
			continue // sections are headings; their keys are checked
		}
		if !strings.Contains(string(doc), "`"+key+"`") {
			t.Errorf("docs/configuration.md does not document `%s`", key)
		}
		if n := lookupSchema(schema, key); strings.Contains(key, ".") && n.elem == nil { // top-level keys have no PHPRUN_ form
			if !strings.Contains(string(doc), "`"+envName(key)+"`") {
				t.Errorf("docs/configuration.md lacks the environment form `%s` of %s", envName(key), key)
			}
		}
	}
}

func lookupSchema(n *schemaNode, key string) *schemaNode {
	for _, seg := range strings.Split(key, ".") {
		if n == nil || n.fields == nil {
			return nil
		}
		n = n.fields[seg]
	}
	return n
}

func TestEnvKey(t *testing.T) {
	schema := buildSchema(reflect.TypeOf(Config{}))
	for name, want := range map[string]string{
		"PHPRUN_HTTP__POOL__NUM_WORKERS":          "http.pool.num_workers",
		"PHPRUN_SERVER__ENV__APP_ENV":             "server.env.APP_ENV",
		"PHPRUN_HTTP__HEADERS__RESPONSE__X_Frame": "http.headers.response.X_Frame",
		"PHPRUN_NOPE__X":                          "nope.x",
	} {
		if got, ok := envKey(name, schema); !ok || got != want {
			t.Errorf("envKey(%s) = %q, %v; want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"PHPRUN_", "PATH", "RR_RPC", "PHPRUN_HTTP_ADDR", "PHPRUN_VERSION"} {
		if _, ok := envKey(name, schema); ok {
			t.Errorf("envKey(%s) accepted a variable that is not a config key", name)
		}
	}
	if got := envName("http.pool.num_workers"); got != "PHPRUN_HTTP__POOL__NUM_WORKERS" {
		t.Errorf("envName = %s", got)
	}
}

// TestConfigDocsKeysExist is the other direction: every key that a
// reference table of docs/configuration.md documents (rows whose header is
// "| Key | Default | Environment | Meaning |") is a real key of Config, so
// the reference cannot describe keys that were renamed or removed.
func TestConfigDocsKeysExist(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	schema := buildSchema(reflect.TypeOf(Config{}))
	inTable, rows := false, 0
	for _, line := range strings.Split(string(doc), "\n") {
		switch {
		case strings.HasPrefix(line, "| Key | Default |"):
			inTable = true
			continue
		case !strings.HasPrefix(line, "|"):
			inTable = false
			continue
		case !inTable || strings.HasPrefix(line, "|---"):
			continue
		}
		cell := strings.TrimSpace(strings.Split(line, "|")[1])
		key := strings.Trim(cell, "`")
		if key == cell || key == "" {
			t.Errorf("docs/configuration.md: reference row without a `key`: %s", line)
			continue
		}
		rows++
		if lookupSchema(schema, key) == nil {
			t.Errorf("docs/configuration.md documents `%s`, which is not a key of the configuration", key)
		}
	}
	if rows < 50 {
		t.Errorf("found only %d reference rows; did the table header change?", rows)
	}
}
