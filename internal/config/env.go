package config

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// envPrefix starts every environment variable that sets a config key:
// PHPRUN_HTTP__POOL__NUM_WORKERS=4 sets http.pool.num_workers. A double
// underscore separates levels because key names contain single ones.
const envPrefix = "PHPRUN_"

// envKey maps PHPRUN_HTTP__POOL__NUM_WORKERS to http.pool.num_workers; ok is
// false for variables that are not config keys. Key names are lower-cased;
// keys of maps (PHPRUN_SERVER__ENV__APP_ENV → server.env.APP_ENV) keep their
// case, as they are data, not names phprun knows. schema may be nil.
func envKey(name string, schema *schemaNode) (string, bool) {
	rest, ok := strings.CutPrefix(name, envPrefix)
	if !ok || !strings.Contains(rest, "__") {
		// Every key is at least SECTION__KEY. Single-underscore names such
		// as PHPRUN_HTTP_ADDR are ordinary variables for ${VAR} expansion
		// (the init template uses them), not typos to warn about.
		return "", false
	}
	segs := strings.Split(rest, "__")
	n := schema
	for i, seg := range segs {
		switch {
		case n != nil && n.elem != nil:
			n = n.elem
		case n != nil && n.isSection():
			segs[i] = strings.ToLower(seg)
			n = n.fields[segs[i]]
		default:
			segs[i] = strings.ToLower(seg)
			n = nil
		}
	}
	return strings.Join(segs, "."), true
}

// envName is envKey's inverse, for documentation and `phprun config`.
func envName(key string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "__"))
}

// readDotenv parses a .env file: KEY=VALUE lines, optional "export ",
// '#' comments, values in single quotes (literal) or double quotes (with
// \n, \t, \" and \\ escapes). Unquoted values end at " #".
func readDotenv(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dotenv: %w", err)
	}
	vars := map[string]string{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || !isName(name) {
			return nil, fmt.Errorf("%s:%d: want NAME=value, got %q", path, i+1, line)
		}
		v, err := dotenvValue(strings.TrimSpace(value))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", path, i+1, name, err)
		}
		vars[name] = v
	}
	return vars, nil
}

func dotenvValue(v string) (string, error) {
	switch {
	case strings.HasPrefix(v, "'"):
		end := strings.Index(v[1:], "'")
		if end < 0 {
			return "", fmt.Errorf("unterminated single quote")
		}
		return v[1 : end+1], nil
	case strings.HasPrefix(v, `"`):
		for end := 1; end < len(v); end++ {
			if v[end] == '\\' {
				end++
				continue
			}
			if v[end] == '"' {
				s, err := strconv.Unquote(v[:end+1])
				if err != nil {
					return "", fmt.Errorf("bad double-quoted value: %w", err)
				}
				return s, nil
			}
		}
		return "", fmt.Errorf("unterminated double quote")
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return v, nil
}

// envView is the environment as config expansion sees it: the process
// environment, then the .env file for names the process does not set (a
// .env never overrides the real environment, as with godotenv).
type envView struct {
	proc   map[string]string
	dotenv map[string]string
}

func newEnvView(environ []string, dotenv map[string]string) envView {
	proc := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			proc[k] = v
		}
	}
	return envView{proc: proc, dotenv: dotenv}
}

func (e envView) lookup(name string) (string, bool) {
	if v, ok := e.proc[name]; ok {
		return v, true
	}
	v, ok := e.dotenv[name]
	return v, ok
}

// configVars returns the PHPRUN_* variables of one source, sorted by name.
func configVars(vars map[string]string) []string {
	var names []string
	for k := range vars {
		if _, ok := envKey(k, nil); ok {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return names
}
