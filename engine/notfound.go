package engine

import (
	"fmt"
	"path/filepath"
)

// scriptNotFound explains PHP's "Could not open input file: PATH". A
// relative PATH was looked for in the workers' directory (Config.Dir, or
// phprun's own when empty), and that directory is usually the mistake (a
// config file elsewhere than the code, a -w flag), so the error names it.
func (p *Pool) scriptNotFound(path string) error {
	if filepath.IsAbs(path) {
		return fmt.Errorf("%w: %s", ErrScriptNotFound, path)
	}
	dir, err := filepath.Abs(p.cfg.Dir) // "" is phprun's own directory
	if err != nil {
		dir = p.cfg.Dir
	}
	return fmt.Errorf("%w: %s (looked for in %s, the workers' directory)", ErrScriptNotFound, path, dir)
}
