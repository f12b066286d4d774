package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/phprun/phprun/internal/config"
)

// DebugSwitchable: the dashboard's D key switches debug mode under
// `phprun dev`, unless http.pool.debug already fixes it on.
func (t *tuiSource) DebugSwitchable() bool {
	return t.s.dev && !t.s.pool.Config().Pool.Debug
}

// SetDebug switches the HTTP pool into the debug mode of `phprun dev
// --debug` (a fresh worker per request, one at a time, exec_ttl off,
// Xdebug's variables unless set) or back, by a rolling switch in the
// engine: no request fails. It logs one line each way.
func (t *tuiSource) SetDebug(on bool) error {
	s := t.s
	var env map[string]string
	if on {
		env = config.DebugEnv(s.pool.Config())
	}
	if err := s.pool.SetDebug(on, env); err != nil {
		s.log.Error("debug mode: switch failed", "on", on, "error", err.Error())
		return err
	}
	if on {
		s.log.Info("debug mode on: a fresh worker per request, one at a time, exec_ttl off", "env", xdebugVars(env))
	} else {
		s.log.Info(fmt.Sprintf("debug mode off: %d workers start", s.pool.Config().Pool.NumWorkers))
	}
	return nil
}

// xdebugVars lists the XDEBUG_* variables the debug workers get.
func xdebugVars(env map[string]string) string {
	var out []string
	for k, v := range env {
		if strings.HasPrefix(strings.ToUpper(k), "XDEBUG_") {
			out = append(out, strings.ToUpper(k)+"="+v)
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
