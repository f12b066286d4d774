package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"text/tabwriter"
	"time"
)

// ConfigCmd prints the effective configuration.
type ConfigCmd struct {
	JSON bool `help:"Print the effective configuration as JSON (without sources)."`
}

// Run loads the configuration like `serve` would and prints every key with
// its value and the layer that set it: default, file (with line and
// column), dotenv, env (the variable's name) or flag.
func (c ConfigCmd) Run(g *Globals, a *app) error {
	lc, err := g.load(a, false, false)
	var ce *configError
	if lc == nil || (err != nil && !errors.As(err, &ce)) {
		return err
	}
	// An invalid configuration is still printed (it helps to find the
	// problem); the problems follow on stderr and the exit code is 2.
	if c.JSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if perr := enc.Encode(jsonValue(toMap(reflect.ValueOf(lc.Config)))); perr != nil {
			return perr
		}
		return err
	}
	if perr := printConfig(a.stdout, lc); perr != nil {
		return perr
	}
	return err
}

// printConfig writes one "key = value  # source" line per key, sorted.
func printConfig(w io.Writer, lc *loadedConfig) error {
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
