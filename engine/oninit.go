package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"
)

// defaultOnInitTimeout is RoadRunner's on_init.exec_timeout default.
const defaultOnInitTimeout = time.Minute

// RunOnInit runs server.on_init, if any, and waits for it: once per
// phprun start, before the first pool boots (main calls it; reloads do
// not run it again, as in RoadRunner). The command runs in dir with
// phprun's environment plus on_init.env, as on_init.user (server.user
// does not apply, as in RoadRunner), and its output goes to out. It is killed, with its
// process group, after exec_timeout or when ctx ends. Whether a failure
// stops phprun is the caller's choice (on_init.exit_on_error).
func RunOnInit(ctx context.Context, s ServerConfig, dir string, out io.Writer) error {
	o := s.OnInit
	if o == nil {
		return nil
	}
	if len(o.Command) == 0 {
		return errors.New("engine: on_init: command is empty")
	}
	cred, err := lookupCredential(o.User, "") // RoadRunner: on_init.user only, not server.user
	if err != nil {
		return fmt.Errorf("engine: on_init: %w", err)
	}
	timeout := o.ExecTimeout
	if timeout <= 0 {
		timeout = defaultOnInitTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, o.Command[0], o.Command[1:]...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	keys := make([]string, 0, len(o.Env))
	for k := range o.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cmd.Env = append(cmd.Env, strings.ToUpper(k)+"="+os.ExpandEnv(o.Env[k]))
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = sysProcAttr()
	cred.apply(cmd)
	cmd.Cancel = func() error { return signalGroup(cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second

	runtime.LockOSThread() // Pdeathsig is tied to the forking thread (sysproc_linux.go)
	err = cmd.Start()
	runtime.UnlockOSThread()
	if err != nil {
		return fmt.Errorf("engine: on_init: start %q: %w", o.Command[0], err)
	}
	err = cmd.Wait()
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("engine: on_init: %q killed after exec_timeout (%v)", strings.Join(o.Command, " "), timeout)
	case err != nil:
		return fmt.Errorf("engine: on_init: %q: %w", strings.Join(o.Command, " "), err)
	}
	return nil
}
