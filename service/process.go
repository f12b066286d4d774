package service

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/phprun/phprun/engine"
)

// maxLine bounds one published output line; longer lines are cut in pieces.
const maxLine = 16 << 10

// proc is one process slot of a service: it starts the command, pumps its
// output, waits for it and restarts it as the config says, until stopped.
// One goroutine (run) owns the process; others read the snapshot fields
// under mu and ask it to stop by closing stop.
type proc struct {
	name string
	idx  int
	cfg  Config // normalized
	log  *slog.Logger
	bus  *engine.Bus // may be nil
	argv []string

	stopOnce sync.Once
	stop     chan struct{} // closed to stop the slot
	force    chan struct{} // closed to skip the SIGTERM grace
	done     chan struct{} // closed when run returns

	mu       sync.Mutex // guards the fields below
	state    State
	pid      int
	started  time.Time
	restarts int
	exit     string
	lastLine string
	next     time.Time
	rss      uint64  // last sample of the running process (sampleFigures); 0 when none
	cpu      float64 // likewise, CPU % since the process started
}

// sampleEvery is how often a running service's figures are read. Status
// returns the last reading, so observers (the dashboard polls four times
// a second, RPC clients at will) read no files.
const sampleEvery = time.Second

func newProc(name string, idx int, cfg Config, log *slog.Logger, bus *engine.Bus, restarts int) *proc {
	return &proc{name: name, idx: idx, cfg: cfg, log: log, bus: bus, argv: strings.Fields(cfg.Command),
		stop: make(chan struct{}), force: make(chan struct{}), done: make(chan struct{}), restarts: restarts}
}

// running is a started process and the channels that report its end.
type running struct {
	cmd    *exec.Cmd
	exited chan error    // the result of Wait, sent once
	output chan struct{} // closed when the output pipe reached EOF
	pipe   *os.File
}

// start launches the command once. It returns the error of a command that
// cannot be started (not found, not executable), naming the service.
func (p *proc) start() (*running, error) {
	if len(p.argv) == 0 {
		return nil, fmt.Errorf("service %s: empty command", p.name)
	}
	cmd := exec.Command(p.argv[0], p.argv[1:]...)
	cmd.Env = environ(p.cfg.Env)
	cmd.SysProcAttr = sysProcAttr()
	if p.cfg.User != "" {
		if err := runAs(cmd, p.cfg.User); err != nil {
			return nil, fmt.Errorf("service %s: %w", p.name, err)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("service %s: output pipe: %w", p.name, err)
	}
	cmd.Stdout, cmd.Stderr = w, w // one pipe keeps stdout and stderr in order
	runtime.LockOSThread()        // Pdeathsig follows the forking thread
	err = cmd.Start()
	runtime.UnlockOSThread()
	w.Close()
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("service %s: start %q: %w", p.name, p.cfg.Command, err)
	}
	rn := &running{cmd: cmd, exited: make(chan error, 1), output: make(chan struct{}), pipe: r}
	pid := cmd.Process.Pid
	go func() { rn.exited <- cmd.Wait() }()
	go func() { p.pump(r, pid); close(rn.output) }()
	p.mu.Lock()
	p.state, p.pid, p.started, p.exit, p.next = StateRunning, pid, time.Now(), "", time.Time{}
	p.mu.Unlock()
	p.log.Info("service started", "service", p.name, "pid", pid, "command", p.cfg.Command)
	return rn, nil
}

// run supervises the slot from an already started process (or from a
// failed first start, rn == nil) until stop is closed.
func (p *proc) run(rn *running, startErr error) {
	defer close(p.done)
	crashes := 0
	if startErr != nil {
		crashes = 1
	}
	for {
		if rn != nil {
			ran, err, stopped := p.wait(rn)
			if stopped {
				p.setState(StateStopped, describeExit(err, true))
				return
			}
			if err != nil && ran < crashWindow {
				crashes++
			} else {
				crashes = 0
			}
			exit := describeExit(err, false)
			p.log.Info("service exited", "service", p.name, "pid", rn.cmd.Process.Pid, "exit", exit, "ran_ms", ran.Milliseconds())
			if !p.cfg.RemainAfterExit {
				p.setState(StateExited, exit)
				return
			}
			p.setState(StateRestarting, exit)
		} else if !p.cfg.RemainAfterExit {
			p.setState(StateFailed, startErr.Error())
			return
		}
		delay := restartDelay(p.cfg.RestartSec, crashes)
		p.mu.Lock()
		p.next = time.Now().Add(delay)
		if rn == nil {
			p.state = StateBackoff
		}
		if crashes > 1 {
			p.state = StateBackoff
			p.log.Warn(fmt.Sprintf("service keeps failing: next start in %s", delay), "service", p.name, "crashes", crashes)
		}
		p.mu.Unlock()
		t := time.NewTimer(delay)
		select {
		case <-p.stop:
			t.Stop()
			p.setState(StateStopped, "")
			return
		case <-t.C:
		}
		p.mu.Lock()
		p.restarts++
		p.mu.Unlock()
		rn, startErr = p.start()
		if startErr != nil {
			crashes++
			p.log.Error("service could not start", "service", p.name, "error", startErr.Error())
			p.setState(StateBackoff, startErr.Error())
		}
	}
}

// wait waits for the process to end: by itself, by exec_timeout (SIGKILL,
// as RoadRunner does) or by stop (SIGTERM, then SIGKILL after
// timeout_stop_sec). Whatever the group forked is killed afterwards, and
// the output is read to its end (bounded) so that the last lines appear
// before the exit is reported.
func (p *proc) wait(rn *running) (ran time.Duration, err error, stopped bool) {
	pid := rn.cmd.Process.Pid
	var timeout <-chan time.Time
	if p.cfg.ExecTimeout > 0 {
		t := time.NewTimer(p.cfg.ExecTimeout)
		defer t.Stop()
		timeout = t.C
	}
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	p.sampleFigures(pid)
	for waiting := true; waiting; {
		select {
		case err = <-rn.exited:
			waiting = false
		case <-timeout:
			p.log.Warn("service ran past exec_timeout; killed", "service", p.name, "pid", pid, "exec_timeout", p.cfg.ExecTimeout.String())
			signalGroup(pid, syscall.SIGKILL)
			err, waiting = <-rn.exited, false
		case <-p.stop:
			stopped, waiting = true, false
			err = p.terminate(rn)
		case <-tick.C:
			p.sampleFigures(pid)
		}
	}
	p.mu.Lock()
	ran = time.Since(p.started)
	p.mu.Unlock()
	signalGroup(pid, syscall.SIGKILL) // leftovers of the group
	select {
	case <-rn.output:
	case <-time.After(time.Second):
		rn.pipe.Close() // something outside the group holds the pipe
	}
	return ran, err, stopped
}

// sampleFigures reads the running process's figures through the engine's
// one reader and keeps them for status; a failed read (the process is
// ending) keeps the last ones.
func (p *proc) sampleFigures(pid int) {
	rss, cpu, ok := engine.ProcUsage(pid)
	if !ok {
		return
	}
	p.mu.Lock()
	if p.pid == pid {
		p.rss, p.cpu = rss, cpu
	}
	p.mu.Unlock()
}

// terminate is the clean stop: SIGTERM to the group, SIGKILL after
// timeout_stop_sec (or at once when forced).
func (p *proc) terminate(rn *running) error {
	pid := rn.cmd.Process.Pid
	signalGroup(pid, syscall.SIGTERM)
	t := time.NewTimer(time.Duration(p.cfg.TimeoutStopSec) * time.Second)
	defer t.Stop()
	select {
	case err := <-rn.exited:
		return err
	case <-t.C:
		p.log.Warn("service did not stop after SIGTERM; killed", "service", p.name, "pid", pid, "timeout_stop_sec", p.cfg.TimeoutStopSec)
	case <-p.force:
	}
	signalGroup(pid, syscall.SIGKILL)
	return <-rn.exited
}

// requestStop asks run to stop; force skips the SIGTERM grace period.
func (p *proc) requestStop(force bool) {
	p.stopOnce.Do(func() { close(p.stop) })
	if force {
		select {
		case <-p.force:
		default:
			close(p.force)
		}
	}
}

func (p *proc) setState(s State, exit string) {
	p.mu.Lock()
	p.state, p.pid, p.next, p.rss, p.cpu = s, 0, time.Time{}, 0, 0
	if exit != "" {
		p.exit = exit
	}
	p.mu.Unlock()
}

// pump publishes the process's output line by line, tagged with the
// service name and PID, until EOF.
func (p *proc) pump(r io.Reader, pid int) {
	br := bufio.NewReaderSize(r, maxLine)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			text := strings.TrimRight(string(line), "\r\n")
			p.mu.Lock()
			if strings.TrimSpace(text) != "" {
				p.lastLine = text
			}
			p.mu.Unlock()
			p.publish(pid, text)
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
	}
}

func (p *proc) publish(pid int, text string) {
	if p.bus != nil {
		p.bus.Publish(engine.Event{Time: time.Now(), Kind: engine.EventWorkerOutput, Pool: LogSource(p.name), PID: pid, Message: text})
		return
	}
	p.log.Info(text, "service", p.name, "pid", pid)
}

// LogSource is the pool name under which a service's output lines are
// published ("service:vite"): the dashboard's logs pane filters on it.
func LogSource(name string) string { return "service:" + name }

func (p *proc) status() Status {
	p.mu.Lock()
	st := Status{Service: p.name, Index: p.idx, Command: p.cfg.Command, State: p.state, PID: p.pid,
		Started: p.started, Restarts: p.restarts, Exit: p.exit, LastLine: p.lastLine, Next: p.next,
		RSS: p.rss, CPU: p.cpu}
	p.mu.Unlock()
	return st
}

// describeExit says how a process ended, in the words of the logs.
func describeExit(err error, stopped bool) string {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return "exit status 0"
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			if stopped {
				return "stopped (" + ws.Signal().String() + ")"
			}
			return "killed by " + ws.Signal().String()
		}
		return ee.Error()
	}
	return err.Error()
}

// environ is phprun's environment plus the service's env, keys upper-cased
// and $VAR references expanded, as RoadRunner does.
func environ(env map[string]string) []string {
	out := os.Environ()
	for k, v := range env {
		out = append(out, strings.ToUpper(k)+"="+os.ExpandEnv(v))
	}
	return out
}
