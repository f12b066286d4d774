package config

import (
	"os"

	"github.com/phprun/phprun/engine"
)

// xdebugDefaults are the variables `phprun dev --debug` gives the workers
// unless the environment or server.env sets them: step debugging on, and
// a session started for every worker (the trigger Xdebug 3 reads from the
// environment), so an IDE listening on Xdebug's client port attaches to
// each request without a browser extension.
var xdebugDefaults = [][2]string{{"XDEBUG_MODE", "debug"}, {"XDEBUG_SESSION", "phprun"}}

// withDebug turns ec into the debug pool of `phprun dev --debug`
// (dev.debug): RoadRunner's pool.debug (no worker waits in advance; each
// request gets a fresh worker that stops after it, so a step-debugging
// session is one request and code changes need no reload), one such worker
// at a time (the others wait for it), exec_ttl off
// (a request paused at a breakpoint is not killed), and the Xdebug
// variables. ec.Server.Env is copied, never changed in place.
func withDebug(ec engine.Config) engine.Config {
	ec.Pool.Debug = true
	ec.Pool.DebugOneWorker = true // one HTTP worker: a paused request is the only one running
	ec.Pool.Supervisor.ExecTTL = 0
	env := make(map[string]string, len(ec.Server.Env)+len(xdebugDefaults))
	for k, v := range ec.Server.Env {
		env[k] = v
	}
	for _, kv := range xdebugDefaults {
		if _, set := os.LookupEnv(kv[0]); set {
			continue // the user's own value reaches the workers as it is
		}
		if !hasKeyFold(env, kv[0]) {
			env[kv[0]] = kv[1]
		}
	}
	ec.Server.Env = env
	return ec
}

// hasKeyFold reports whether env has key in any case (server.env keys are
// upper-cased when the workers start).
func hasKeyFold(env map[string]string, key string) bool {
	for k := range env {
		if len(k) == len(key) && equalFoldASCII(k, key) {
			return true
		}
	}
	return false
}

func equalFoldASCII(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// DebugEnv is server.env of ec with the Xdebug variables of debug mode
// added unless set, for the dashboard's debug key (engine.Pool.SetDebug).
func DebugEnv(ec engine.Config) map[string]string { return withDebug(ec).Server.Env }
