package config

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"text/tabwriter"
	"time"
)

// Values renders c as plain values keyed by their config names, durations
// in Go syntax ("60s"): what `phprun config --json` and the RPC config
// call print.
func Values(c Config) any { return jsonValue(toMap(reflect.ValueOf(c))) }

// Print writes one "key = value  # source" line per key, sorted.
func Print(w io.Writer, lc *Loaded) error {
	file := lc.File
	if file == "" {
		file = "(none: defaults, environment and flags only)"
	}
	fmt.Fprintf(w, "# config file: %s\n", file)
	fmt.Fprintf(w, "# layers, later wins: default, file, dotenv, env (PHPRUN_SECTION__KEY), flag (-o, --log-*)\n")
	flat := map[string]any{}
	flatten("", toMap(reflect.ValueOf(lc.Config)), flat)
	keys := make([]string, 0, len(flat))
	for k := range flat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	for _, k := range keys {
		src := lc.Sources[k]
		if src == "" {
			src = "default"
		}
		fmt.Fprintf(tw, "%s\t= %s  # %s\n", k, formatValue(flat[k]), src)
	}
	return tw.Flush()
}

// flatten turns a nested map into dotted keys; empty maps are kept as {}.
func flatten(prefix string, v any, out map[string]any) {
	m, ok := v.(map[string]any)
	if !ok || (len(m) == 0 && prefix != "") {
		if !ok || prefix != "" {
			out[prefix] = v
		}
		return
	}
	for k, sub := range m {
		flatten(joinKey(prefix, k), sub, out)
	}
}

// formatValue renders a value as YAML would accept it back.
func formatValue(v any) string {
	b, err := json.Marshal(jsonValue(v))
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// jsonValue replaces durations by their Go syntax ("60s") recursively.
func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Duration:
		return x.String()
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, sub := range x {
			out[k] = jsonValue(sub)
		}
		return out
	case nil:
		return nil
	}
	return v
}
