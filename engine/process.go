package engine

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Stop escalation delays. RoadRunner waits 10 s (hard-coded) between the
// stop frame and SIGKILL; phprun inserts a SIGTERM step so that PHP's
// shutdown functions get a chance to run.
const (
	gracefulStop = 10 * time.Second // stop frame → SIGTERM
	termGrace    = time.Second      // SIGTERM → SIGKILL
	outputDrain  = 500 * time.Millisecond
)

// process is one started worker process. Exactly one goroutine (started by
// startProcess) waits on it; it records the exit, kills what is left of the
// process group, and tells the pool.
type process struct {
	cmd *exec.Cmd
	pid int
	out *output

	done    chan struct{} // closed once the process has exited and its output is drained
	exitErr error         // written before done is closed

	// Parent ends of the relay pipes (pipes relay only; nil for sockets).
	// Ownership passes to the worker's pipeRelay.
	stdin  *os.File
	stdout *os.File
}

// env builds the worker environment in RoadRunner's order (PROTOCOL.md
// 2.1) with serverEnv as server.env; later duplicates win, as os/exec
// resolves them.
func (p *Pool) buildEnv(serverEnv map[string]string) []string {
	cfg := &p.cfg
	env := append(os.Environ(), "RR_RELAY="+cfg.Server.Relay)
	if cfg.RPCAddr != "" {
		env = append(env, "RR_RPC="+cfg.RPCAddr)
	}
	keys := make([]string, 0, len(serverEnv))
	for k := range serverEnv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, strings.ToUpper(k)+"="+os.ExpandEnv(serverEnv[k]))
	}
	env = append(env, "RR_VERSION="+cfg.Version)
	if cfg.Mode != "" {
		env = append(env, "RR_MODE="+cfg.Mode)
	}
	return env
}

// startProcess starts the worker command. With pipes, the child's stdin and
// stdout become the relay; with sockets, stdout is logged like stderr.
func (p *Pool) startProcess(gen uint64, pipes bool) (*process, error) {
	argv := p.cfg.command()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = p.cfg.Dir
	cmd.Env = p.environ
	if m := p.debug.Load(); m != nil {
		cmd.Env = m.environ
	}
	cmd.SysProcAttr = sysProcAttr()
	p.cred.apply(cmd)

	var closeAfterStart, closeOnError []*os.File
	fail := func(err error) (*process, error) {
		for _, f := range append(closeAfterStart, closeOnError...) {
			f.Close()
		}
		return nil, err
	}
	proc := &process{cmd: cmd, done: make(chan struct{})}

	errR, errW, err := os.Pipe()
	if err != nil {
		return fail(fmt.Errorf("engine: spawn: %w", err))
	}
	closeAfterStart = append(closeAfterStart, errW)
	closeOnError = append(closeOnError, errR)
	cmd.Stderr = errW
	var outR *os.File
	if pipes {
		inR, inW, err := os.Pipe()
		if err != nil {
			return fail(fmt.Errorf("engine: spawn: %w", err))
		}
		closeAfterStart = append(closeAfterStart, inR)
		closeOnError = append(closeOnError, inW)
		oR, oW, err := os.Pipe()
		if err != nil {
			return fail(fmt.Errorf("engine: spawn: %w", err))
		}
		closeAfterStart = append(closeAfterStart, oW)
		closeOnError = append(closeOnError, oR)
		cmd.Stdin, cmd.Stdout = inR, oW
		proc.stdin, proc.stdout = inW, oR
	} else {
		oR, oW, err := os.Pipe()
		if err != nil {
			return fail(fmt.Errorf("engine: spawn: %w", err))
		}
		closeAfterStart = append(closeAfterStart, oW)
		closeOnError = append(closeOnError, oR)
		cmd.Stdout = oW
		outR = oR
	}

	// Pdeathsig is tied to the forking thread: keep this goroutine on one
	// thread for the fork (see sysproc_linux.go).
	runtime.LockOSThread()
	err = cmd.Start()
	runtime.UnlockOSThread()
	if err != nil {
		return fail(fmt.Errorf("engine: spawn %q: %w", strings.Join(argv, " "), err))
	}
	for _, f := range closeAfterStart {
		f.Close()
	}
	proc.pid = cmd.Process.Pid
	proc.out = &output{p: p, pid: proc.pid, gen: gen}
	tracked := p.trackProcess(proc, true)

	pumps := make(chan struct{}, 2)
	npumps := 1
	go proc.pump(errR, pumps)
	if outR != nil {
		npumps++
		go proc.pump(outR, pumps)
	}
	go p.waitProcess(proc, tracked, pumps, npumps, []*os.File{errR, outR})
	if !tracked {
		// Close has already collected the processes: this one is too late.
		proc.kill()
		<-proc.done
		if proc.stdin != nil {
			proc.stdin.Close()
			proc.stdout.Close()
		}
		return nil, ErrPoolClosed
	}
	return proc, nil
}

// waitProcess is the one goroutine that waits on proc.
func (p *Pool) waitProcess(proc *process, tracked bool, pumps chan struct{}, npumps int, files []*os.File) {
	err := proc.cmd.Wait()
	// Whatever the worker left in its group (children it forked) goes too:
	// no orphan survives its worker.
	_ = signalGroup(proc.pid, syscall.SIGKILL)
	timer := time.NewTimer(outputDrain)
	for i := 0; i < npumps; i++ {
		select {
		case <-pumps:
		case <-timer.C:
			// Someone outside the group still holds the pipe: stop reading.
			for _, f := range files {
				if f != nil {
					_ = f.SetReadDeadline(time.Now())
				}
			}
			<-pumps
		}
	}
	timer.Stop()
	for _, f := range files {
		if f != nil {
			f.Close()
		}
	}
	proc.exitErr = err
	close(proc.done)
	if tracked {
		p.send(command{kind: cmdExited, proc: proc})
		p.trackProcess(proc, false) // after the send: Close waits for it
	}
}

// pump reads one output stream line by line into proc.out.
func (proc *process) pump(f *os.File, done chan<- struct{}) {
	defer func() { done <- struct{}{} }()
	r := bufio.NewReaderSize(f, maxLine)
	for {
		line, err := r.ReadSlice('\n')
		if len(line) > 0 {
			proc.out.line(string(line))
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
	}
}

// exited reports whether the process has exited.
func (proc *process) exited() bool {
	select {
	case <-proc.done:
		return true
	default:
		return false
	}
}

// signal sends sig to the worker's whole process group.
func (proc *process) signal(sig syscall.Signal) {
	if !proc.exited() {
		_ = signalGroup(proc.pid, sig)
	}
}

// kill ends the process group at once (exec_ttl, protocol errors).
func (proc *process) kill() { proc.signal(syscall.SIGKILL) }

// waitFor waits up to d for the exit and reports whether it happened.
func (proc *process) waitFor(d time.Duration) bool {
	if d <= 0 {
		return proc.exited()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-proc.done:
		return true
	case <-t.C:
		return false
	}
}

// escalate waits up to grace for a process that was asked to stop, then
// sends SIGTERM, then SIGKILL, and returns once it has exited.
func (proc *process) escalate(grace time.Duration) {
	if proc.waitFor(grace) {
		return
	}
	proc.signal(syscall.SIGTERM)
	if proc.waitFor(termGrace) {
		return
	}
	proc.kill()
	<-proc.done
}

// exitReason describes how the process ended, for events and errors.
func (proc *process) exitReason() string {
	var ee *exec.ExitError
	switch err := proc.exitErr; {
	case err == nil:
		return "exit status 0"
	case errors.As(err, &ee):
		return ee.ProcessState.String()
	default:
		return err.Error()
	}
}
