package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestConfigDocsDefaults holds the Default column of docs/configuration.md
// to Default(): a cell that starts with a `value` must be that key's
// default (durations in Go syntax, lists and maps as JSON or, for lists,
// comma-separated). Cells in words ("number of CPUs", "— (required)") say
// something a value cannot and are skipped; most rows have a value.
func TestConfigDocsDefaults(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	defaults := flatDefaults()
	checked := 0
	for _, cells := range referenceRows(string(doc)) {
		key := strings.Trim(strings.TrimSpace(cells[1]), "`")
		cell := strings.TrimSpace(cells[2])
		if !strings.HasPrefix(cell, "`") {
			continue
		}
		documented, _, _ := strings.Cut(cell[1:], "`")
		actual, ok := defaults[key]
		if !ok {
			continue // a section (http.headers.cors); TestConfigDocsKeysExist checks the key
		}
		checked++
		if !sameDefault(documented, jsonValue(actual)) {
			t.Errorf("docs/configuration.md: `%s` default is documented as `%s`, but it is %s", key, documented, formatValue(actual))
		}
	}
	if checked < 50 {
		t.Errorf("checked only %d defaults; did the table layout change?", checked)
	}
}

// referenceRows are the body rows of the reference tables of
// configuration.md (those whose header starts "| Key | Default |"), each
// split on "|" (cells[1] is the key, cells[2] the default).
func referenceRows(doc string) [][]string {
	var rows [][]string
	inTable := false
	for _, line := range strings.Split(doc, "\n") {
		switch {
		case strings.HasPrefix(line, "| Key | Default |"):
			inTable = true
		case !strings.HasPrefix(line, "|"):
			inTable = false
		case inTable && !strings.HasPrefix(line, "|---"):
			rows = append(rows, strings.Split(line, "|"))
		}
	}
	return rows
}

// sameDefault compares a documented default with the real one.
func sameDefault(documented string, actual any) bool {
	if s, ok := actual.(string); ok {
		unescaped, err := strconv.Unquote(`"` + documented + `"`) // `\n` for a newline
		return documented == s || (documented == `""` && s == "") || (err == nil && unescaped == s)
	}
	var doc any
	if err := json.Unmarshal([]byte(documented), &doc); err != nil {
		// a list written as "a, b, c"
		list := []any{}
		for _, item := range strings.Split(documented, ",") {
			list = append(list, strings.TrimSpace(item))
		}
		doc = list
	}
	want, err := json.Marshal(doc)
	if err != nil {
		return false
	}
	got, err := json.Marshal(actual)
	return err == nil && string(want) == string(got)
}

// docKeyRe finds config keys written as code in the docs: a section of
// phprun's layout, a dot, and more key segments.
var docKeyRe = regexp.MustCompile("`((?:server|rpc|http|status|logs|watch|dev)\\.[a-z0-9_.]*[a-z0-9_])`")

// TestDocsNameRealKeys: every config key that README.md or a page of docs/
// names as code is a key of the configuration (map keys such as
// server.env.APP_ENV are free-form below the map). RoadRunner keys phprun
// knows and warns about (rrUnsupported), and the ✗ rows of the migration
// guide's key table, name keys phprun does not have, on purpose.
func TestDocsNameRealKeys(t *testing.T) {
	schema := buildSchema(reflect.TypeOf(Config{}))
	for f, data := range readDocs(t) {
		for i, line := range strings.Split(data, "\n") {
			if strings.HasPrefix(line, "|") && strings.Contains(line, "| ✗ |") {
				continue // a RoadRunner key phprun does not implement
			}
			for _, m := range docKeyRe.FindAllStringSubmatch(line, -1) {
				if strings.HasSuffix(m[1], ".go") || notKeys[m[1]] || rrUnsupportedWarning(m[1]) != "" {
					continue
				}
				if !docKeyExists(schema, m[1]) {
					t.Errorf("%s:%d names `%s`, which is not a configuration key", f, i+1, m[1])
				}
			}
		}
	}
}

// docDefaultRe finds "`key` (default VALUE)" in running text, where
// VALUE is code (`tcp://…`) or starts with a digit (30s); words ("below")
// are not values.
var docDefaultRe = regexp.MustCompile("`((?:server|rpc|http|status|logs|watch|dev)\\.[a-z0-9_.]*[a-z0-9_])` \\(default (?:`([^`]+)`|([0-9][^)]*))\\)")

// TestDocsDefaultsInText: a default stated in running text anywhere in
// README.md or docs/ ("`http.shutdown_timeout` (default 30s)") is the
// key's default; durations compare by value (60s is 1m0s).
func TestDocsDefaultsInText(t *testing.T) {
	defaults := flatDefaults()
	found := 0
	for f, data := range readDocs(t) {
		for _, m := range docDefaultRe.FindAllStringSubmatch(data, -1) {
			key, documented := m[1], strings.TrimSpace(m[2]+m[3])
			actual, ok := defaults[key]
			if !ok {
				t.Errorf("%s: states a default for `%s`, which has none", f, key)
				continue
			}
			found++
			if d, isDur := actual.(time.Duration); isDur {
				if dd, err := time.ParseDuration(documented); err == nil && dd == d {
					continue
				}
			} else if sameDefault(documented, jsonValue(actual)) {
				continue
			}
			t.Errorf("%s: `%s` (default %s), but the default is %s", f, key, documented, formatValue(actual))
		}
	}
	if found < 3 {
		t.Errorf("found only %d defaults in running text; did the pattern change?", found)
	}
}

// notKeys look like config keys in the docs but are something else.
var notKeys = map[string]bool{
	"server.user":    true, // a RoadRunner key the engine page lists as not supported
	"status.message": true, // a field of the service RPC's reply (services.md)
}

// docKeyExists is lookupSchema that accepts any name below a map.
func docKeyExists(n *schemaNode, key string) bool {
	for _, seg := range strings.Split(key, ".") {
		switch {
		case n == nil:
			return false
		case n.elem != nil:
			n = n.elem // a map: the segment is a free-form key
		case n.fields == nil:
			return false
		default:
			n = n.fields[seg]
		}
	}
	return n != nil
}

// readDocs returns README.md and every page of docs/, by path.
func readDocs(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range append(files, "../../README.md") {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = string(data)
	}
	return out
}

// flatDefaults is Default() by dotted key.
func flatDefaults() map[string]any {
	out := map[string]any{}
	flatten("", toMap(reflect.ValueOf(Default())), out)
	return out
}
