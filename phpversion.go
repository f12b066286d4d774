package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/phprun/phprun/engine"
)

// phpProbe learns the PHP version of the worker command for the dashboard
// header and the logs. The probe is a whole PHP start (`php -n -r`, about
// 30 ms of CPU here), so startServer runs it only once the first worker is
// ready: on a 2-core machine it would otherwise compete with the workers
// that the first response waits for (docs/architecture.md, "Start-up
// cost"). PHP_VERSION cannot be taken from the workers themselves: an
// official RoadRunner worker tells phprun nothing but its PID.
type phpProbe struct {
	cancel  context.CancelFunc
	done    chan struct{} // closed when the probe has finished
	version string        // written before done is closed; "" if unknown
}

// startPHPProbe starts the probe in the background, bounded by timeout
// (timeouts.php_version), and calls report with the version once it is
// known (not when it could not be learned).
func startPHPProbe(command []string, timeout time.Duration, report func(version string)) *phpProbe {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	p := &phpProbe{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		defer cancel()
		p.version = detectPHPVersion(ctx, command)
		if p.version != "" {
			report(p.version)
		}
	}()
	return p
}

// Version is the PHP version, "" while the probe runs, when it failed, or
// for a nil probe (none was started).
func (p *phpProbe) Version() string {
	if p == nil {
		return ""
	}
	select {
	case <-p.done:
		return p.version
	default:
		return ""
	}
}

// stop ends a probe still running and waits for it, so that no php
// process outlives the server. A nil probe is a no-op.
func (p *phpProbe) stop() {
	if p == nil {
		return
	}
	p.cancel()
	<-p.done
}

// detectPHPVersion asks the worker command's interpreter for its version.
// Best effort: "" when the command is not php (a wrapper script, say) or
// does not answer before ctx ends.
func detectPHPVersion(ctx context.Context, command []string) string {
	if len(command) == 0 || !strings.HasPrefix(filepath.Base(command[0]), "php") {
		return ""
	}
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
