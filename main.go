// Command phprun is a RoadRunner-compatible application server for PHP:
// long-lived PHP workers behind an HTTP front, with a terminal dashboard for
// development and JSON logs for production. See docs/cli.md.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/alecthomas/kong"
	"github.com/mattn/go-isatty"

	"github.com/phprun/phprun/internal/config"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3". It is
// passed to workers as RR_VERSION and answered by rpc.Version.
var version = "dev"

// Exit codes, documented in docs/cli.md. exitCode is the only place that
// chooses them.
const (
	exitOK      = 0 // success, including a graceful shutdown on SIGTERM/SIGINT
	exitRuntime = 1 // the server or a command failed while running
	exitUsage   = 2 // bad command line or configuration: nothing was started
)

func main() {
	stopProfile := startCPUProfile(os.Getenv("PHPRUN_CPUPROFILE"), os.Stderr)
	code := runWith(os.Args[1:], os.Stdout, os.Stderr, setGOMAXPROCS)
	stopProfile()
	os.Exit(code)
}

// setGOMAXPROCS, called when a server starts (app.tuneRuntime), gives
// the Go side half the CPUs the runtime would use (at least one), unless
// the GOMAXPROCS environment variable sets it. phprun's Go process shares the machine with its PHP workers, which need the CPU
// more: on 2 cores a second P mostly bought scheduler spinning and
// cross-core wake-ups (hello world: 41 → 25 µs of Go CPU per request and
// 1.25× the requests per second with one P; docs/benchmarks.md, "HTTP
// front"). runtime.GOMAXPROCS(0) already honours a container's CPU limit;
// setting it stops the runtime from following later changes of that limit.
// Only `serve` and `dev` call it, while their first worker boots: the
// call stops the world and hands the dropped P's cached heap spans back,
// about 100 page faults (2–3 ms on a VM) that a CLI command such as
// `phprun version` does not need to pay.
func setGOMAXPROCS() {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	runtime.GOMAXPROCS(max(1, runtime.GOMAXPROCS(0)/2))
}

// startCPUProfile writes a Go CPU profile of the whole process to path
// (PHPRUN_CPUPROFILE, undocumented: for profiling the HTTP path under
// load, see docs/benchmarks.md); the returned func ends it. An empty path
// does nothing.
func startCPUProfile(path string, stderr io.Writer) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		if err = pprof.StartCPUProfile(f); err != nil {
			f.Close()
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "phprun: PHPRUN_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "phprun: PHPRUN_CPUPROFILE: %v\n", err)
		}
	}
}

// run executes one phprun invocation and returns its exit code. It is
// main minus os.Exit, so testscript can run phprun in-process.
func run(args []string, stdout, stderr io.Writer) int {
	return runWith(args, stdout, stderr, nil)
}

// runWith is run with the process-wide tuning a server applies when it
// starts (nil: none, as when tests run phprun inside their own process).
func runWith(args []string, stdout, stderr io.Writer, tuneRuntime func()) int {
	a := &app{stdout: stdout, stderr: stderr, environ: os.Environ(), stdoutIsTerminal: isTerminal(stdout), tuneRuntime: tuneRuntime}
	err := runCLI(args, a)
	if err != nil && !errors.Is(err, errReported) {
		fmt.Fprintf(stderr, "phprun: %v\n", err)
	}
	return exitCode(err)
}

// errReported marks an error whose message was already printed (for example
// as a JSON log line), so run does not print it again.
var errReported = errors.New("phprun: error already reported")

// usageError is a mistake on the command line: exit code 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// reportedError wraps an error that was already logged; it keeps the
// original for exitCode.
type reportedError struct{ err error }

func (e *reportedError) Error() string   { return e.err.Error() }
func (e *reportedError) Unwrap() []error { return []error{e.err, errReported} }

// exitCode maps an error to the process exit code: 2 when the command line
// or the configuration is wrong (nothing was started), 1 for everything that
// failed at run time (an address in use, a crash loop, an unreachable RPC
// port).
func exitCode(err error) int {
	var (
		ue *usageError
		ce *config.Error
		pe *kong.ParseError
		ke kongExit
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ke):
		return int(ke)
	case errors.As(err, &ue), errors.As(err, &ce), errors.As(err, &pe):
		return exitUsage
	}
	return exitRuntime
}

// isTerminal reports whether w is a terminal (the dashboard needs one).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
