package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"

	"github.com/phprun/phprun/internal/fielderr"
)

// configFiles are looked for in this order when -c is not given.
var configFiles = []string{"phprun.yaml", ".rr.yaml"}

// Options are the loader's inputs besides the files themselves. Keeping
// the environment in here (instead of reading os.Environ inside) makes the
// layering testable in parallel.
type Options struct {
	File        string      // -c; "" looks for phprun.yaml, then .rr.yaml, in Dir
	Dir         string      // the working directory
	Dotenv      string      // --dotenv or DOTENV_PATH; "" loads none
	Overrides   []string    // -o key.path=value, in order
	Flags       []FlagValue // dedicated flags such as --log-level
	Environ     []string    // the process environment, KEY=value
	RequireFile bool        // a missing config file is an error (serve, dev)
	Workdir     bool        // -w was given: relative paths resolve against Dir (RoadRunner)
}

// FlagValue is a dedicated flag that sets one config key.
type FlagValue struct{ Flag, Key, Value string }

// Loaded is the effective configuration and how it came to be.
type Loaded struct {
	Config   Config
	File     string            // the config file's absolute path; "" when none
	Dir      string            // the config file's directory (else the working directory)
	Base     string            // what relative paths resolve against: Dir, or the -w directory
	BaseNote string            // why Base, for messages ("the config file's folder; -w changes it")
	Sources  map[string]string // dotted key → the layer that set its value
	Present  map[string]bool   // keys and sections set by any layer but the defaults
	Warnings []string
	Dotenv   map[string]string // variables from the .env file
}

// Error lists every problem found while loading; it is a usage error
// (exit code 2).
type Error struct {
	Problems []string
	keys     []string // the key each problem concerns, "" for none; nil when unknown
}

func (e *Error) Error() string { return strings.Join(e.Problems, "\n") }

// Under returns the problems that concern keys in section (such as "rpc"),
// nil when there are none: `phprun workers` only cares about rpc.listen.
func (e *Error) Under(section string) []string {
	var out []string
	for i, k := range e.keys {
		if k == section || strings.HasPrefix(k, section+".") {
			out = append(out, e.Problems[i])
		}
	}
	return out
}

// layer is one source of values, before type conversion.
type layer struct {
	kind   string         // default, file, dotenv, env, flag
	data   map[string]any // nested raw values
	expand bool           // whether ${VAR} references are substituted
	where  func(key string) string
}

// loader holds the state of one loadConfig call.
type loader struct {
	schema   *schemaNode
	allKeys  []string
	env      envView
	problems []string
	keys     []string // the key of each problem, "" for none
	warnings []string
	sources  map[string]string
	present  map[string]bool
	badKeys  map[string]bool // keys whose value was rejected
	// fileWhere gives file:line:col of a key or of its nearest parent in
	// the config file (nil without a file): a missing key's problem
	// points at its section.
	fileWhere func(key string) string
}

// loadConfig builds the effective Config from, later winning: defaults →
// config file (with ${VAR} expansion) → .env (PHPRUN_* variables in it) →
// PHPRUN_* environment → -o overrides and dedicated flags. It returns every
// problem at once as an *Error; warnings (unknown keys, version 2.7)
// are returned in Loaded.Warnings.
func Load(opts Options) (*Loaded, error) {
	schema := buildSchema(reflect.TypeOf(Config{}))
	l := &loader{schema: schema, allKeys: schema.keys(""), sources: map[string]string{}, present: map[string]bool{}, badKeys: map[string]bool{}}
	out := &Loaded{Dir: opts.Dir}

	// the command line first: a malformed -o is a usage error whatever the files say
	flags, err := overrideLayer(opts.Overrides, opts.Flags)
	if err != nil {
		return nil, &Error{Problems: []string{err.Error()}}
	}
	layers := []layer{{kind: "default", data: toMap(reflect.ValueOf(Default())).(map[string]any),
		where: func(string) string { return "default" }}}

	file, err := findConfigFile(opts)
	if err != nil {
		return nil, err
	}
	var envfile string // RoadRunner's top-level envfile key
	if file != "" {
		out.File, out.Dir = file, filepath.Dir(file)
		fl, err := l.fileLayer(file)
		if err != nil {
			return nil, &Error{Problems: []string{err.Error()}}
		}
		layers = append(layers, fl)
		envfile, _ = fl.data["envfile"].(string)
	}

	// The .env file: --dotenv (or DOTENV_PATH) relative to the working
	// directory, else the config's envfile relative to the config file.
	dotenvName, dotenvPath := opts.Dotenv, opts.Dotenv
	if dotenvPath != "" && !filepath.IsAbs(dotenvPath) {
		dotenvPath = filepath.Join(opts.Dir, dotenvPath)
	}
	if dotenvPath == "" && envfile != "" {
		dotenvName, dotenvPath = envfile, envfile
		if !filepath.IsAbs(dotenvPath) {
			dotenvPath = filepath.Join(out.Dir, dotenvPath)
		}
	}
	var dotenv map[string]string
	if dotenvPath != "" {
		if dotenv, err = readDotenv(dotenvPath); err != nil {
			return nil, &Error{Problems: []string{err.Error()}}
		}
	}
	out.Dotenv = dotenv
	l.env = newEnvView(opts.Environ, dotenv)
	if len(dotenv) > 0 {
		layers = append(layers, envLayer("dotenv", dotenv, "dotenv "+dotenvName+": ", schema))
	}
	layers = append(layers, envLayer("env", l.env.proc, "env ", schema))
	layers = append(layers, flags)

	k := koanf.New(".")
	for _, ly := range layers {
		m := l.convert(ly)
		if err := k.Load(confmap.Provider(m, ""), nil); err != nil {
			return nil, fmt.Errorf("config: merge %s layer: %w", ly.kind, err)
		}
	}
	if err := k.UnmarshalWithConf("", &out.Config, koanf.UnmarshalConf{Tag: "koanf"}); err != nil {
		l.addProblem("", "config: "+err.Error())
	}
	out.Sources, out.Present = l.sources, l.present
	out.Base, out.BaseNote = pathBase(opts, out)
	rel := resolvePaths(&out.Config, out.Base)
	// Validate even when some values were rejected: those keep their
	// defaults, and the user wants every problem in one run. Messages about
	// a key already reported as mistyped would only repeat it.
	for _, e := range fielderr.Leaves(out.Config.Validate()) {
		var fe *fielderr.Error
		if !errors.As(e, &fe) {
			l.addProblem("", l.locate("", e.Error(), out.File))
			continue
		}
		key, _, _ := strings.Cut(fe.Key, "[") // http.middleware[2] → http.middleware
		if !l.badKeys[key] {
			msg := e.Error()
			if p, ok := rel[key]; ok {
				msg += fmt.Sprintf(" (%s resolved against %s, %s)", p, out.Base, out.BaseNote)
			}
			l.addProblem(key, l.locate(key, msg, out.File))
		}
	}
	l.sectionWarnings(&out.Config)
	out.Warnings = l.warnings
	if len(l.problems) > 0 {
		return out, &Error{Problems: l.problems, keys: l.keys}
	}
	return out, nil
}

// findConfigFile returns the absolute path of the config file, "" when
// there is none and none is required.
func findConfigFile(opts Options) (string, error) {
	if opts.File != "" {
		p := opts.File
		if !filepath.IsAbs(p) {
			p = filepath.Join(opts.Dir, p)
		}
		if _, err := os.Stat(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return "", &Error{Problems: []string{fmt.Sprintf("config file %s not found (from -c); create one with `phprun init` or fix the path", opts.File)}}
			}
			return "", &Error{Problems: []string{fmt.Sprintf("config file %s: %v", opts.File, err)}}
		}
		return p, nil
	}
	for _, name := range configFiles {
		p := filepath.Join(opts.Dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if opts.RequireFile {
		return "", &Error{Problems: []string{fmt.Sprintf("no phprun.yaml or .rr.yaml in %s: run `phprun init` to create a project, or pass -c FILE", opts.Dir)}}
	}
	return "", nil
}

// fileLayer reads and parses the config file and checks its version.
func (l *loader) fileLayer(path string) (layer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return layer{}, fmt.Errorf("config: %w", err)
	}
	name := filepath.Base(path)
	m, pos, err := parseYAML(name, data)
	if err != nil {
		return layer{}, err
	}
	where := func(key string) string {
		for k := key; k != ""; {
			if p, ok := pos[k]; ok {
				return fmt.Sprintf("%s:%d:%d", name, p.line, p.col)
			}
			i := strings.LastIndexByte(k, '.')
			if i < 0 {
				break
			}
			k = k[:i]
		}
		return name
	}
	l.fileWhere = where
	switch v := m["version"]; {
	case v == nil:
		l.addProblem("version", fmt.Sprintf("%s: version: required; add version: \"3\" as the first line", name))
	case fmt.Sprint(v) == "3":
	case strings.HasPrefix(fmt.Sprint(v), "2"):
		l.warnings = append(l.warnings, fmt.Sprintf("%s: version: %q is RoadRunner's old format; loading it as version \"3\" (keys that changed in v3 are ignored with a warning)", where("version"), fmt.Sprint(v)))
		m["version"] = "3"
	default:
		l.addProblem("version", fmt.Sprintf("%s: version: want \"3\", got %q", where("version"), fmt.Sprint(v)))
	}
	return layer{kind: "file", data: m, expand: true, where: func(key string) string { return "file " + where(key) }}, nil
}

// envLayer turns PHPRUN_SECTION__KEY variables into a layer.
func envLayer(kind string, vars map[string]string, label string, schema *schemaNode) layer {
	data := map[string]any{}
	names := map[string]string{}
	for _, name := range configVars(vars) {
		if vars[name] == "" {
			continue // an empty variable counts as unset (compose files pass them)
		}
		key, _ := envKey(name, schema)
		setPath(data, key, vars[name])
		names[key] = name
	}
	return layer{kind: kind, data: data, where: func(key string) string {
		if n, ok := names[key]; ok {
			return label + n
		}
		return label + envName(key)
	}}
}

// overrideLayer turns -o key.path=value and dedicated flags into a layer.
func overrideLayer(overrides []string, flags []FlagValue) (layer, error) {
	data := map[string]any{}
	from := map[string]string{}
	for _, o := range overrides {
		key, value, ok := strings.Cut(o, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return layer{}, fmt.Errorf("-o %q: want key.path=value, e.g. -o http.address=127.0.0.1:8080", o)
		}
		value = unquote(strings.TrimSpace(value))
		setPath(data, key, value)
		from[key] = "-o " + o
	}
	for _, f := range flags {
		if f.Value == "" {
			continue
		}
		setPath(data, f.Key, f.Value)
		from[f.Key] = f.Flag
	}
	return layer{kind: "flag", data: data, expand: true, where: func(key string) string {
		if s, ok := from[key]; ok {
			return "flag " + s
		}
		return "flag"
	}}, nil
}

// unquote strips one pair of surrounding quotes, as RoadRunner's -o does.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

func setPath(m map[string]any, key string, v any) {
	parts := strings.Split(key, ".")
	for _, p := range parts[:len(parts)-1] {
		sub, ok := m[p].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[p] = sub
		}
		m = sub
	}
	m[parts[len(parts)-1]] = v
}

// convert checks a layer against the schema: known keys are converted to
// their Go types, unknown keys become warnings, wrong types problems. It
// records where each resulting value came from.
func (l *loader) convert(ly layer) map[string]any {
	out := map[string]any{}
	l.walk(l.schema, "", ly.data, out, ly)
	return out
}

// unsupportedSections are RoadRunner plugins phprun does not implement; a
// config written for RoadRunner may contain them. A name here is consulted
// only for keys the schema does not know, so a section added to Config
// works at once; drop its name here as a tidy-up.
var unsupportedSections = map[string]bool{
	"reload": true, "grpc": true, "temporal": true,
	"centrifuge": true, "tcp": true, "otel": true, "fileserver": true,
	"endure": true, "lock": true, "kafka": true, "sqs": true,
	"beanstalk": true, "boltdb": true, "redis": true, "memcached": true, "memory": true,
	"include": true, "informer": true, "resetter": true, "fcgi": true,
}

func (l *loader) walk(n *schemaNode, prefix string, raw, out map[string]any, ly layer) {
	for _, k := range sortedKeys(raw) {
		v := raw[k]
		full := joinKey(prefix, k)
		child := n.fields[k]
		if child == nil {
			l.unknown(full, prefix, ly)
			continue
		}
		if ly.kind != "default" {
			l.markPresent(full)
		}
		switch {
		case child.isSection():
			if v == nil { // "rpc:" with nothing below: present, all defaults
				if ly.kind != "default" { // a nil default is an optional (pointer) section
					out[k] = map[string]any{}
				}
				continue
			}
			m, ok := v.(map[string]any)
			if !ok {
				l.problem(ly, full, expected("a section of keys", v))
				continue
			}
			sub := map[string]any{}
			l.walk(child, full, m, sub, ly)
			out[k] = sub
		case child.anything:
			// A plugin's free-form map (a kv storage's or a jobs pipeline's
			// config) is expanded like any other value: RoadRunner expands
			// the whole file, and `addrs: ["${REDIS_HOST}:6379"]` is common.
			if ly.expand {
				var err error
				if v, err = l.expandValue(v); err != nil {
					l.problem(ly, full, err)
					continue
				}
			}
			out[k] = v
			l.sources[full] = ly.where(full)
		case child.elem != nil:
			if v == nil {
				continue
			}
			v, err := mapFromList(v)
			if err != nil {
				l.problem(ly, full, err)
				continue
			}
			m, ok := v.(map[string]any)
			if !ok {
				l.problem(ly, full, expected("a map of key: value", v))
				continue
			}
			sub := map[string]any{}
			for _, mk := range sortedKeys(m) {
				if caseInsensitiveMap(full) {
					m[strings.ToUpper(mk)], mk = m[mk], strings.ToUpper(mk)
				}
				mfull := full + "." + mk
				if child.elem.isSection() {
					mm, ok := m[mk].(map[string]any)
					if !ok {
						l.problem(ly, mfull, expected("a section of keys", m[mk]))
						continue
					}
					s := map[string]any{}
					l.walk(child.elem, mfull, mm, s, ly)
					sub[mk] = s
					continue
				}
				if c, ok := l.leaf(child.elem, mfull, m[mk], ly); ok {
					sub[mk] = c
				}
			}
			out[k] = sub
			if len(m) == 0 {
				l.sources[full] = ly.where(full)
			}
		default:
			if v == nil {
				continue
			}
			if c, ok := l.leaf(child, full, v, ly); ok {
				out[k] = c
			}
		}
	}
}

// leaf expands and converts one value, recording its source.
func (l *loader) leaf(n *schemaNode, key string, v any, ly layer) (any, bool) {
	if ly.expand {
		var err error
		if v, err = l.expandValue(v); err != nil {
			l.problem(ly, key, err)
			return nil, false
		}
	}
	c, err := n.coerce(key, v)
	if err != nil {
		l.problem(ly, key, err)
		return nil, false
	}
	if w := bareDurationWarning(n, key, v); w != "" && ly.kind != "default" {
		l.warnings = append(l.warnings, strings.TrimPrefix(strings.TrimPrefix(ly.where(key), "file "), "flag ")+": "+w)
	}
	l.sources[key] = ly.where(key)
	return c, true
}

// expandValue substitutes ${VAR} in a string, or in each string of a list
// or map, at any depth.
func (l *loader) expandValue(v any) (any, error) {
	switch x := v.(type) {
	case string:
		return expandEnv(x, l.env.lookup)
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			e, err := l.expandValue(item)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			e, err := l.expandValue(item)
			if err != nil {
				return nil, err
			}
			out[k] = e
		}
		return out, nil
	}
	return v, nil
}

func (l *loader) problem(ly layer, key string, err error) {
	l.badKeys[key] = true
	l.addProblem(key, fmt.Sprintf("%s: %s: %v", strings.TrimPrefix(strings.TrimPrefix(ly.where(key), "file "), "flag "), key, err))
}

// addProblem records one problem and the key it concerns ("" for none).
func (l *loader) addProblem(key, msg string) {
	l.problems = append(l.problems, msg)
	l.keys = append(l.keys, key)
}

func (l *loader) unknown(key, parent string, ly layer) {
	where := strings.TrimPrefix(strings.TrimPrefix(ly.where(key), "file "), "flag ")
	if parent == "" && unsupportedSections[key] {
		l.warnings = append(l.warnings, fmt.Sprintf("%s: section %s is a RoadRunner plugin that phprun does not implement; ignored", where, key))
		return
	}
	if msg := rrUnsupportedWarning(key); msg != "" {
		l.warnings = append(l.warnings, where+": "+msg)
		return
	}
	msg := fmt.Sprintf("%s: unknown key %s; ignored", where, key)
	if s := suggest(key, l.allKeys); s != "" {
		msg = fmt.Sprintf("%s: unknown key %s (did you mean %s?); ignored", where, key, s)
	}
	l.warnings = append(l.warnings, msg)
}

func (l *loader) markPresent(key string) {
	for {
		l.present[key] = true
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			return
		}
		key = key[:i]
	}
}

// locate prefixes a validation message about key ("" when the message
// names none) with where that key was set, so users can go straight to the
// line.
func (l *loader) locate(key, msg, file string) string {
	if src, ok := l.sources[key]; ok && key != "" && src != "default" {
		return strings.TrimPrefix(strings.TrimPrefix(src, "file "), "flag ") + ": " + msg
	}
	if l.fileWhere != nil {
		return l.fileWhere(key) + ": " + msg
	}
	if file != "" {
		return filepath.Base(file) + ": " + msg
	}
	return msg
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// resolvePaths makes the file paths of the config absolute, relative to
// base: the -w directory when given, else the config file's directory, as
// RoadRunner resolves them against its working directory (it changes into
// -w DIR, else into the config file's folder). This way validation,
// `phprun workers -c other/dir/phprun.yaml` and the server all see the
// same files. Worker commands and unix relay paths are not touched: they
// are resolved by the worker's working directory, which main sets to base.
// It returns the relative values it resolved, by key, for messages.
func resolvePaths(c *Config, base string) map[string]string {
	rel := map[string]string{}
	abs := func(key string, p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			rel[key] = *p
			*p = filepath.Join(base, *p)
		}
	}
	abs("http.static.dir", &c.HTTP.Static.Dir)
	abs("http.uploads.dir", &c.HTTP.Uploads.Dir)
	abs("http.ssl.cert", &c.HTTP.SSL.Cert)
	abs("http.ssl.key", &c.HTTP.SSL.Key)
	abs("http.ssl.root_ca", &c.HTTP.SSL.RootCA)
	for _, o := range []struct {
		key string
		p   *string
	}{{"logs.output", &c.Logs.Output}, {"logs.err_output", &c.Logs.ErrOutput}} {
		if *o.p != "stderr" && *o.p != "stdout" {
			abs(o.key, o.p)
		}
	}
	return rel
}

// pathBase is RoadRunner's rule for relative paths: the -w directory when
// given, else the config file's folder (else the working directory).
func pathBase(opts Options, out *Loaded) (base, note string) {
	switch {
	case opts.Workdir:
		return opts.Dir, "the -w directory"
	case out.File != "":
		return out.Dir, "the config file's folder; -w changes it"
	}
	return opts.Dir, "the working directory"
}
