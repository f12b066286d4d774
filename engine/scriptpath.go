package engine

import (
	"fmt"
	"os"
	"path/filepath"
)

// scriptNotFound is ErrScriptNotFound for the script PHP could not open,
// naming the directory a relative path was looked up in and why that one
// (Config.DirNote), because the usual cause is a path resolved against
// another directory than the user had in mind.
func (p *Pool) scriptNotFound(path string) error {
	if filepath.IsAbs(path) {
		return fmt.Errorf("%w: %s", ErrScriptNotFound, path)
	}
	dir := p.cfg.Dir
	if dir == "" {
		dir, _ = os.Getwd()
	} else if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	where := dir
	if p.cfg.DirNote != "" {
		where += ", " + p.cfg.DirNote
	}
	return fmt.Errorf("%w: %s (looked in %s)", ErrScriptNotFound, path, where)
}
