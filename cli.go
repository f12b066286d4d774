package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/phprun/phprun/internal/clicmd"
	"github.com/phprun/phprun/internal/config"
	"github.com/phprun/phprun/internal/scaffold"
)

// app is what commands need from the process. Commands receive it through
// kong's bindings, never through package-level state, so tests can run
// several in one process.
type app struct {
	stdout, stderr   io.Writer
	environ          []string
	stdoutIsTerminal bool
}

// CLI is the whole command line: global flags and one struct per command.
// Flags that override config keys have no kong default, so that defaults
// live only in DefaultConfig and `phprun config` can tell them apart.
type CLI struct {
	Globals

	Serve      ServeCmd             `cmd:"" default:"withargs" help:"Run the server (the default command): dashboard on a terminal, JSON logs otherwise."`
	Dev        DevCmd               `cmd:"" help:"Run for development: dashboard, reload on file change, error text in 500 responses."`
	Init       InitCmd              `cmd:"" help:"Create a new project (phprun.yaml, worker.php, public/) in DIR."`
	Workers    clicmd.WorkersCmd    `cmd:"" help:"List the workers of a running server (over its RPC port)."`
	Reset      clicmd.ResetCmd      `cmd:"" help:"Reload the workers of a running server without dropping requests."`
	KV         clicmd.KVCmd         `cmd:"" name:"kv" help:"Read or write the kv storages of a running server (get, set, del, clear)."`
	Jobs       clicmd.JobsCmd       `cmd:"" help:"List, pause, resume or destroy the jobs pipelines of a running server."`
	Services   clicmd.ServicesCmd   `cmd:"" help:"List, restart, stop or start the services of a running server (over its RPC port)."`
	Config     clicmd.ConfigCmd     `cmd:"" help:"Print the effective configuration and where each value comes from."`
	Version    VersionCmd           `cmd:"" help:"Print the phprun version."`
	Completion clicmd.CompletionCmd `cmd:"" help:"Print a shell completion script (bash, zsh or fish)."`
}

// Globals are accepted before or after any command.
type Globals struct {
	Config    string   `short:"c" placeholder:"FILE" help:"Config file (default: phprun.yaml, else .rr.yaml, in the working directory)."`
	Workdir   string   `short:"w" placeholder:"DIR" help:"Change to DIR first; the config file is looked for there and workers run there."`
	Override  []string `short:"o" name:"override" sep:"none" placeholder:"KEY=VALUE" help:"Set a config key, e.g. -o http.address=127.0.0.1:9000 (repeatable; wins over file and environment)."`
	Headless  bool     `help:"No dashboard: JSON log lines on stderr. Automatic when stdout is not a terminal."`
	Dotenv    string   `placeholder:"FILE" env:"DOTENV_PATH" help:"Load environment variables from this .env file before expanding $${VAR} in the config."`
	LogLevel  string   `placeholder:"LEVEL" help:"Lowest log level: debug, info, warn or error (logs.level)."`
	LogFormat string   `placeholder:"FORMAT" help:"Log line format: json or console (logs.encoding)."`

	debug string // set by `dev --debug`: the dev.debug key (DevCmd.Run)
}

// kongExit carries the exit code kong asks for (after --help) out of the
// parser, so that exit codes are still chosen in one place.
type kongExit int

func (k kongExit) Error() string { return fmt.Sprintf("exit %d", int(k)) }

// newParser builds the kong parser with phprun's name, help and writers.
func newParser(cli *CLI, a *app) (*kong.Kong, error) {
	return kong.New(cli,
		kong.Name("phprun"),
		kong.Description("A RoadRunner-compatible PHP application server.\n\n"+
			"Exit codes: 0 ok, 1 runtime error, 2 usage or configuration error."),
		kong.Writers(a.stdout, a.stderr),
		kong.Exit(func(code int) { panic(kongExit(code)) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Bind(a),
		kong.Vars{"version": version, "templates": templateList()},
	)
}

// runCLI parses args and runs the chosen command.
func runCLI(args []string, a *app) (err error) {
	defer func() {
		if r := recover(); r != nil {
			k, ok := r.(kongExit)
			if !ok {
				panic(r)
			}
			if k == 0 {
				err = nil
			} else {
				err = &reportedError{&usageError{k}}
			}
		}
	}()
	var cli CLI
	parser, err := newParser(&cli, a)
	if err != nil {
		return fmt.Errorf("cli: %w", err)
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		return &usageError{fmt.Errorf("%w (see phprun --help)", err)}
	}
	if cli.Workdir != "" {
		if err := os.Chdir(cli.Workdir); err != nil {
			return &usageError{fmt.Errorf("-w: %w", err)}
		}
	}
	kctx.Bind(&cli.Globals)
	kctx.Bind(parser)
	kctx.Bind(cli.Globals.env(a))
	return kctx.Run()
}

// env is what the commands of internal/clicmd see of the process and
// the global flags.
func (g *Globals) env(a *app) *clicmd.Env {
	return &clicmd.Env{
		Stdout:           a.stdout,
		Stderr:           a.stderr,
		StdoutIsTerminal: a.stdoutIsTerminal,
		Options:          func(requireFile bool) (config.Options, error) { return g.loadOptions(a, requireFile) },
		Load:             func(requireFile, quiet bool) (*config.Loaded, error) { return g.load(a, requireFile, quiet) },
	}
}

// loadOptions turns the global flags into the config loader's inputs.
func (g *Globals) loadOptions(a *app, requireFile bool) (config.Options, error) {
	dir, err := os.Getwd()
	if err != nil {
		return config.Options{}, fmt.Errorf("working directory: %w", err)
	}
	return config.Options{
		File:      g.Config,
		Dir:       dir,
		Dotenv:    g.Dotenv,
		Overrides: g.Override,
		Flags: []config.FlagValue{
			{Flag: "--log-level", Key: "logs.level", Value: g.LogLevel},
			{Flag: "--log-format", Key: "logs.encoding", Value: g.LogFormat},
			{Flag: "--debug", Key: "dev.debug", Value: g.debug},
		},
		Environ:     a.environ,
		RequireFile: requireFile,
		Workdir:     g.Workdir != "",
	}, nil
}

// load reads the configuration. On a configuration error it still returns
// what could be loaded, if anything. Warnings are printed to stderr unless
// quiet is set (serve logs them through its logger instead); on a config
// error they are always printed, since they often explain the error.
func (g *Globals) load(a *app, requireFile, quiet bool) (*config.Loaded, error) {
	opts, err := g.loadOptions(a, requireFile)
	if err != nil {
		return nil, err
	}
	lc, err := config.Load(opts)
	if lc != nil && (!quiet || err != nil) {
		for _, w := range lc.Warnings {
			fmt.Fprintf(a.stderr, "phprun: warning: %s\n", w)
		}
	}
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) && len(ce.Problems) > 1 {
			err = &config.Error{Problems: append([]string{fmt.Sprintf("%d problems in the configuration:", len(ce.Problems))}, indent(ce.Problems)...)}
		}
		return lc, err // lc may be non-nil: what could be loaded, for `phprun config`
	}
	return lc, nil
}

func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "  " + l
	}
	return out
}

// VersionCmd prints the version.
type VersionCmd struct{}

// Run prints "phprun VERSION".
func (VersionCmd) Run(a *app) error {
	fmt.Fprintf(a.stdout, "phprun %s\n", version)
	return nil
}

// InitCmd scaffolds a project; see internal/scaffold.
type InitCmd struct {
	Dir      string `arg:"" optional:"" default:"." help:"Directory to create the project in (default: the current one)."`
	Template string `short:"t" default:"auto" help:"Project template: auto (chosen from composer.json), ${templates}."`
	Force    bool   `short:"f" help:"Accepted for compatibility; init never overwrites an existing file."`
}

// Run writes the template. An unknown template is a usage error.
func (c InitCmd) Run(a *app) error {
	if !scaffold.Known(c.Template) && c.Template != "auto" && c.Template != "" {
		return &usageError{fmt.Errorf("init: unknown template %q (want auto, %s)", c.Template, templateList())}
	}
	return scaffold.Sources{Templates: projectFiles, Runtime: projectFiles}.Init(a.stdout, c.Dir, c.Template, c.Force)
}

// templateList is the --template help: the names `phprun init` accepts.
func templateList() string { return strings.Join(scaffold.TemplateNames(), ", ") }
