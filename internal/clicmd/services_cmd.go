package clicmd

import (
	"context"
	"fmt"
	"time"

	"github.com/phprun/phprun/service"
)

// ServicesCmd lists and controls the services of a running server (the
// service section and services created over RPC) through its RPC port.
type ServicesCmd struct {
	List    ServicesListCmd    `cmd:"" default:"1" help:"List the services with state, PID, restarts, uptime, CPU, memory and last output (the default)."`
	Restart ServicesRestartCmd `cmd:"" help:"Restart services: SIGTERM, SIGKILL after timeout_stop_sec, then start again."`
	Stop    ServicesStopCmd    `cmd:"" help:"Stop services; they stay listed as stopped until started again."`
	Start   ServicesStartCmd   `cmd:"" help:"Start stopped, exited or failed services."`
}

// ServicesListCmd is `phprun services [list]`.
type ServicesListCmd struct{}

// Run prints the table of every service.
func (ServicesListCmd) Run(env *Env) error { return servicesCall(env, "list", nil) }

// ServicesRestartCmd is `phprun services restart NAME...`.
type ServicesRestartCmd struct {
	Names []string `arg:"" help:"Services to restart."`
}

// Run restarts each service.
func (c ServicesRestartCmd) Run(env *Env) error {
	return servicesCall(env, "restart", c.Names)
}

// ServicesStopCmd is `phprun services stop NAME...`.
type ServicesStopCmd struct {
	Names []string `arg:"" help:"Services to stop."`
}

// Run stops each service.
func (c ServicesStopCmd) Run(env *Env) error { return servicesCall(env, "stop", c.Names) }

// ServicesStartCmd is `phprun services start NAME...`.
type ServicesStartCmd struct {
	Names []string `arg:"" help:"Services to start."`
}

// Run starts each service.
func (c ServicesStartCmd) Run(env *Env) error { return servicesCall(env, "start", c.Names) }

// servicesCall runs service.Control on the server and prints the statuses
// it returns; the server's error (an unknown service) comes after.
func servicesCall(env *Env, action string, names []string) error {
	ctx, cl, t, done, err := rpcSession(env)
	if err != nil {
		return err
	}
	defer done()
	// a stop waits up to timeout_stop_sec per process; do not give up first
	cctx, cancel := context.WithTimeout(ctx, t.RPCControl)
	defer cancel()
	var out []service.Status
	callErr := cl.Call(cctx, "service.Control", service.ControlArgs{Action: action, Names: names}, &out)
	if len(out) > 0 || callErr == nil {
		if err := renderServices(env.Stdout, out, time.Now()); err != nil {
			return err
		}
	}
	if callErr != nil {
		return fmt.Errorf("services %s: %w", action, callErr)
	}
	return nil
}
