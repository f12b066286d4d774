package service

import (
	"errors"
	"fmt"
	"os/user"
	"sort"
	"strings"
	"time"

	"github.com/phprun/phprun/internal/fielderr"
)

// Defaults RoadRunner applies to a service whose key is 0 or absent.
const (
	DefaultRestartSec     = 30 // seconds before a remain_after_exit process starts again
	DefaultTimeoutStopSec = 5  // seconds between SIGTERM and SIGKILL on stop
)

// Config is one entry of RoadRunner's `service` section. Zero values take
// RoadRunner's defaults (see Normalized), so a config written for
// RoadRunner means the same here.
type Config struct {
	// Command is split on spaces and run without a shell ("php
	// consumer.php --queue=mail"); wrap it in `sh -c` for pipes or quoting.
	Command string `koanf:"command"`
	// ProcessNum is how many identical processes run. Default 1 (0 or less
	// means 1).
	ProcessNum int `koanf:"process_num"`
	// ExecTimeout kills a process that has run this long. Default 0: none.
	ExecTimeout time.Duration `koanf:"exec_timeout"`
	// RemainAfterExit restarts a process after any exit, restart_sec later.
	// Default false: a process that exits stays exited.
	RemainAfterExit bool `koanf:"remain_after_exit"`
	// RestartSec is the delay in seconds before a restart. Default 30. A
	// process that keeps exiting within seconds of its start waits longer
	// each time (see docs/services.md).
	RestartSec uint64 `koanf:"restart_sec"`
	// ServiceNameInLog is accepted for RoadRunner compatibility: phprun
	// always tags output lines with the service name. Default false.
	ServiceNameInLog bool `koanf:"service_name_in_log"`
	// TimeoutStopSec is how long a stopping process gets after SIGTERM
	// before SIGKILL. Default 5.
	TimeoutStopSec uint64 `koanf:"timeout_stop_sec"`
	// Env is added to phprun's environment for the process; keys are
	// upper-cased and $VAR references in values expanded, as RoadRunner does.
	Env map[string]string `koanf:"env"`
	// User runs the process as this user (phprun must run as root).
	// Default "": phprun's own user.
	User string `koanf:"user"`
}

// Services is the whole section: service name → its configuration.
type Services map[string]Config

// Normalized returns c with RoadRunner's defaults in place of zero values.
// It never changes c itself.
func (c Config) Normalized() Config {
	if c.ProcessNum <= 0 {
		c.ProcessNum = 1
	}
	if c.RestartSec == 0 {
		c.RestartSec = DefaultRestartSec
	}
	if c.TimeoutStopSec == 0 {
		c.TimeoutStopSec = DefaultTimeoutStopSec
	}
	return c
}

// Errors a Validate wraps in a *fielderr.Error with the full dotted key
// ("service.vite.command"), so the config loader can point at its line.
var (
	ErrNoCommand   = errors.New("required: the command to run, e.g. \"php consumer.php\"")
	ErrNegative    = errors.New("must not be negative")
	ErrUnknownUser = errors.New("no such user")
	ErrBadName     = errors.New("a service name must not be empty or contain spaces or dots")
)

// Validate checks the section as written under `service`.
func (s Services) Validate() error { return s.ValidateAs("service") }

// ValidateAs checks every service and returns all problems joined, each a
// *fielderr.Error whose key starts with section ("service", "dev.services").
func (s Services) ValidateAs(section string) error {
	var errs []error
	for _, name := range s.Names() {
		errs = append(errs, s[name].validate(section+"."+name))
		if name == "" || strings.ContainsAny(name, " .\t\n") {
			errs = append(errs, &fielderr.Error{Key: section + "." + name, Err: ErrBadName})
		}
	}
	return errors.Join(errs...)
}

func (c Config) validate(prefix string) error {
	var errs []error
	if strings.TrimSpace(c.Command) == "" {
		errs = append(errs, &fielderr.Error{Key: prefix + ".command", Err: ErrNoCommand})
	}
	if c.ExecTimeout < 0 {
		errs = append(errs, &fielderr.Error{Key: prefix + ".exec_timeout", Err: fmt.Errorf("%w, got %s", ErrNegative, c.ExecTimeout)})
	}
	if c.User != "" {
		if _, err := user.Lookup(c.User); err != nil {
			errs = append(errs, &fielderr.Error{Key: prefix + ".user", Err: fmt.Errorf("%w %q", ErrUnknownUser, c.User)})
		}
	}
	return errors.Join(errs...)
}

// Names returns the service names in a stable (sorted) order: services
// start in this order and are listed in it.
func (s Services) Names() []string {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
