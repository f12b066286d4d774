// Package clicmd holds the commands that talk to a running server over its
// RPC port (workers, reset, jobs, kv, services), `phprun config` and
// `phprun completion`. Package main keeps the kong model, the server
// commands (serve, dev, init) and exit codes; it binds an Env into kong
// after parsing, so these commands see the process and the global flags only
// through it, never through package-level state.
package clicmd

import (
	"io"

	"github.com/phprun/phprun/internal/config"
)

// Env is what the commands need from the process and the global flags.
type Env struct {
	Stdout, Stderr   io.Writer
	StdoutIsTerminal bool
	// Options turns the global flags into the config loader's inputs.
	Options func(requireFile bool) (config.Options, error)
	// Load reads the configuration as serve does, printing its warnings
	// unless quiet; on a config error it still returns what it could load.
	Load func(requireFile, quiet bool) (*config.Loaded, error)
}
