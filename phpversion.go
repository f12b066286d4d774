package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/phprun/phprun/engine"
)

// detectPHPVersion asks the worker command's interpreter for its version,
// for the startup summary and the dashboard header. Best effort: "" when
// the command is not php (a wrapper script, say) or does not answer within
// timeout (timeouts.php_version).
func detectPHPVersion(ctx context.Context, command []string, timeout time.Duration) string {
	if len(command) == 0 || !strings.HasPrefix(filepath.Base(command[0]), "php") {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, command[0], "-n", "-r", "echo PHP_VERSION;").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// commandLine is the effective worker command, for messages.
func commandLine(c engine.Config) string {
	cmd := c.Pool.Command
	if len(cmd) == 0 {
		cmd = c.Server.Command
	}
	return strings.Join(cmd, " ")
}
