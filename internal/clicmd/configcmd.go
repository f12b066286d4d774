package clicmd

import (
	"encoding/json"
	"errors"

	"github.com/phprun/phprun/internal/config"
)

// ConfigCmd prints the effective configuration.
type ConfigCmd struct {
	JSON bool `help:"Print the effective configuration as JSON (without sources)."`
}

// Run loads the configuration like `serve` would and prints every key with
// its value and the layer that set it: default, file (with line and
// column), dotenv, env (the variable's name) or flag.
func (c ConfigCmd) Run(env *Env) error {
	lc, err := env.Load(false, false)
	var ce *config.Error
	if lc == nil || (err != nil && !errors.As(err, &ce)) {
		return err
	}
	// An invalid configuration is still printed (it helps to find the
	// problem); the problems follow on stderr and the exit code is 2.
	if c.JSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if perr := enc.Encode(config.Values(lc.Config)); perr != nil {
			return perr
		}
		return err
	}
	if perr := config.Print(env.Stdout, lc); perr != nil {
		return perr
	}
	return err
}
