package config

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// schemaNode describes one key of the config tree, derived by reflection
// from the koanf tags of Config. It is what turns raw YAML/env/flag values
// into typed ones with messages that name the key ("expected an integer"),
// and what tells a typo from a known key.
type schemaNode struct {
	typ      reflect.Type
	fields   map[string]*schemaNode // for structs: koanf tag → field
	elem     *schemaNode            // for maps: every sub-key has this shape
	anything bool                   // map[string]any: accept whatever is below
}

var durationType = reflect.TypeOf(time.Duration(0))

// buildSchema walks t (a struct type) along its koanf tags.
func buildSchema(t reflect.Type) *schemaNode {
	n := &schemaNode{typ: t}
	switch t.Kind() {
	case reflect.Pointer:
		return buildSchema(t.Elem())
	case reflect.Struct:
		n.fields = map[string]*schemaNode{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag, opts, _ := strings.Cut(f.Tag.Get("koanf"), ",")
			if f.Anonymous && opts == "squash" {
				for k, v := range buildSchema(f.Type).fields {
					n.fields[k] = v
				}
				continue
			}
			if !f.IsExported() || tag == "" || tag == "-" {
				continue
			}
			n.fields[tag] = buildSchema(f.Type)
		}
	case reflect.Map:
		if t.Elem().Kind() == reflect.Interface {
			n.anything = true
		} else {
			n.elem = buildSchema(t.Elem())
		}
	}
	return n
}

// isSection reports whether n holds named keys rather than one value.
func (n *schemaNode) isSection() bool { return n.fields != nil }

// keys returns every leaf key below n, dotted, sorted (for "did you mean").
func (n *schemaNode) keys(prefix string) []string {
	var out []string
	for name, c := range n.fields {
		k := joinKey(prefix, name)
		out = append(out, k)
		if c.isSection() {
			out = append(out, c.keys(k)...)
		}
	}
	sort.Strings(out)
	return out
}

func joinKey(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// coerce converts a raw value (as YAML, an environment variable or a flag
// produced it) to the Go value n's type expects, or explains what was
// expected. key is the full dotted key, used to pick the string-splitting
// rule for lists.
func (n *schemaNode) coerce(key string, v any) (any, error) {
	t := n.typ
	if v != nil && reflect.TypeOf(v) == t { // already typed (the defaults layer)
		return v, nil
	}
	if t == durationType {
		return coerceDuration(v)
	}
	switch t.Kind() {
	case reflect.String:
		switch x := v.(type) {
		case string:
			return x, nil
		case int, int64, uint64, float64, bool:
			return fmt.Sprint(x), nil
		}
		return nil, expected("a string", v)
	case reflect.Bool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			if b, err := strconv.ParseBool(strings.TrimSpace(x)); err == nil {
				return b, nil
			}
		}
		return nil, expected("true or false", v)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := toInt(v)
		if !ok {
			return nil, expected("an integer", v)
		}
		return reflect.ValueOf(i).Convert(t).Interface(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		i, ok := toInt(v)
		if !ok || i < 0 {
			return nil, expected("a non-negative integer", v)
		}
		return reflect.ValueOf(uint64(i)).Convert(t).Interface(), nil
	case reflect.Float32, reflect.Float64:
		switch x := v.(type) {
		case float64:
			return reflect.ValueOf(x).Convert(t).Interface(), nil
		case int:
			return reflect.ValueOf(float64(x)).Convert(t).Interface(), nil
		case string:
			if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				return reflect.ValueOf(f).Convert(t).Interface(), nil
			}
		}
		return nil, expected("a number", v)
	case reflect.Slice:
		return n.coerceList(key, v)
	case reflect.Interface:
		return v, nil
	}
	return nil, fmt.Errorf("unsupported config type %s", t)
}

// coerceList accepts a YAML list, or one string: split on whitespace for
// commands (RoadRunner's rule for server.command: no shell, no quotes) and
// on commas for every other list (the form an environment variable takes).
func (n *schemaNode) coerceList(key string, v any) (any, error) {
	elem := &schemaNode{typ: n.typ.Elem()}
	if s, ok := v.(string); ok {
		var parts []string
		if strings.HasSuffix(key, "command") {
			parts = strings.Fields(s)
		} else {
			for _, p := range strings.Split(s, ",") {
				if p = strings.TrimSpace(p); p != "" {
					parts = append(parts, p)
				}
			}
		}
		v = toAnySlice(parts)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, expected("a list", v)
	}
	out := reflect.MakeSlice(n.typ, 0, len(list))
	for i, item := range list {
		c, err := elem.coerce(key, item)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		out = reflect.Append(out, reflect.ValueOf(c))
	}
	return out.Interface(), nil
}

func toAnySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	case string:
		i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return i, err == nil
	}
	return 0, false
}

// coerceDuration accepts Go duration syntax ("60s", "1m30s"); a bare
// integer means nanoseconds, as in RoadRunner.
func coerceDuration(v any) (any, error) {
	if s, ok := v.(string); ok {
		s = strings.TrimSpace(s)
		if d, err := time.ParseDuration(s); err == nil {
			return d, nil
		}
	}
	if i, ok := toInt(v); ok {
		return time.Duration(i), nil
	}
	return nil, expected("a duration such as \"60s\" or \"1m30s\"", v)
}

func expected(what string, got any) error {
	switch x := got.(type) {
	case string:
		return fmt.Errorf("expected %s, got %q", what, x)
	case []any:
		return fmt.Errorf("expected %s, got a list", what)
	case map[string]any:
		return fmt.Errorf("expected %s, got a section", what)
	case nil:
		return fmt.Errorf("expected %s, got nothing", what)
	}
	return fmt.Errorf("expected %s, got %v", what, got)
}

// toMap renders a config value (normally DefaultConfig) as the nested map
// koanf loads as its first layer, one entry per koanf tag.
func toMap(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return toMap(v.Elem())
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			return v.Interface()
		}
		m := map[string]any{}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			tag, opts, _ := strings.Cut(f.Tag.Get("koanf"), ",")
			if f.Anonymous && opts == "squash" {
				for k, sub := range toMap(v.Field(i)).(map[string]any) {
					m[k] = sub
				}
				continue
			}
			if !f.IsExported() || tag == "" || tag == "-" {
				continue
			}
			m[tag] = toMap(v.Field(i))
		}
		return m
	case reflect.Map:
		m := map[string]any{}
		for _, k := range v.MapKeys() {
			m[fmt.Sprint(k.Interface())] = toMap(v.MapIndex(k))
		}
		return m
	case reflect.Slice:
		if v.IsNil() {
			return reflect.MakeSlice(v.Type(), 0, 0).Interface()
		}
		return v.Interface()
	}
	return v.Interface()
}

// suggest returns the candidate closest to key by edit distance, or "" when
// nothing is close enough to be a plausible typo.
func suggest(key string, candidates []string) string {
	best, bestD := "", len(key)/2+2
	for _, c := range candidates {
		if d := levenshtein(key, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
