// Command startup measures how fast phprun (and RoadRunner, when given)
// comes up, as a user feels it: exec → first 200 of a hello worker with 2
// and 8 workers, `version`, and `workers` against a running server. Every
// figure is the median of several runs; phprun and RoadRunner alternate
// within each run so drift in the machine's load hits both alike.
//
// Run it through bench/startup.sh, which builds phprun; docs/benchmarks.md
// ("Start-up") has the figures and the command behind them.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is one binary under test and how to call it.
type server struct {
	name    string
	bin     string
	version []string // the version command's arguments
}

func main() {
	phprun := flag.String("phprun", "", "phprun binary (required)")
	base := flag.String("base", "", "another phprun binary to compare with, e.g. a build of main (optional)")
	rr := flag.String("rr", os.Getenv("RR_BIN"), "RoadRunner binary (optional; default $RR_BIN)")
	runs := flag.Int("runs", 7, "runs per figure; the median is reported")
	workers := flag.String("workers", "2,8", "worker counts for exec → first 200")
	worker := flag.String("worker", "php-skeleton/examples/hello.php", "the PHP worker script")
	flag.Parse()
	if *phprun == "" {
		fmt.Fprintln(os.Stderr, "startup: -phprun is required")
		os.Exit(2)
	}
	script, err := filepath.Abs(*worker)
	if err == nil {
		_, err = os.Stat(script)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "startup: worker script: %v\n", err)
		os.Exit(2)
	}
	servers := []server{{name: "phprun", bin: *phprun, version: []string{"version"}}}
	if *base != "" {
		servers = append(servers, server{name: "phprun-base", bin: *base, version: []string{"version"}})
	}
	if *rr != "" {
		servers = append(servers, server{name: "rr", bin: *rr, version: []string{"--version"}})
	}
	var counts []int
	for _, s := range strings.Split(*workers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "startup: -workers: bad count %q\n", s)
			os.Exit(2)
		}
		counts = append(counts, n)
	}
	dir, err := os.MkdirTemp("", "phprun-bench-startup")
	if err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	b := &bench{dir: dir, script: script, runs: max(1, *runs)}
	if err := b.all(servers, counts); err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(1)
	}
}

type bench struct {
	dir    string
	script string
	runs   int
}

// all prints one table row per figure and server.
func (b *bench) all(servers []server, counts []int) error {
	fmt.Println("| figure | server | median | min | max | runs |")
	fmt.Println("|---|---|---|---|---|---|")
	row := func(figure string, s server, ds []time.Duration) {
		slices.Sort(ds)
		fmt.Printf("| %s | %s | %s | %s | %s | %d |\n", figure, s.name, ms(ds[len(ds)/2]), ms(ds[0]), ms(ds[len(ds)-1]), len(ds))
	}

	for _, n := range counts {
		res := make([][]time.Duration, len(servers))
		boots := make([][]time.Duration, len(servers))
		for range b.runs {
			for i, s := range servers {
				d, boot, err := b.firstOK(s, n)
				if err != nil {
					return fmt.Errorf("%s, %d workers: %w", s.name, n, err)
				}
				res[i] = append(res[i], d)
				if boot > 0 {
					boots[i] = append(boots[i], boot)
				}
			}
		}
		for i, s := range servers {
			row(fmt.Sprintf("exec → first 200, %d workers", n), s, res[i])
		}
		for i, s := range servers {
			if len(boots[i]) > 0 {
				row(fmt.Sprintf("boot_ms in the log, %d workers", n), s, boots[i])
			}
		}
	}

	res := make([][]time.Duration, len(servers))
	for range b.runs {
		for i, s := range servers {
			d, err := timeRun(s.bin, s.version...)
			if err != nil {
				return fmt.Errorf("%s %s: %w", s.name, strings.Join(s.version, " "), err)
			}
			res[i] = append(res[i], d)
		}
	}
	for i, s := range servers {
		row("`"+strings.Join(s.version, " ")+"`", s, res[i])
	}

	for _, s := range servers {
		ds, err := b.workers(s)
		if err != nil {
			return fmt.Errorf("%s workers: %w", s.name, err)
		}
		row("`workers` against a running server", s, ds)
	}
	return nil
}

// running is a server started by the benchmark.
type running struct {
	cmd    *exec.Cmd
	url    string
	config string
	log    string
}

// start writes a config for n workers on free loopback ports and starts s
// with it. The config is RoadRunner's v3 layout, which both servers read.
func (b *bench) start(s server, n int) (*running, time.Time, error) {
	httpAddr, err := freeAddr()
	if err != nil {
		return nil, time.Time{}, err
	}
	rpcAddr, err := freeAddr()
	if err != nil {
		return nil, time.Time{}, err
	}
	cfg := filepath.Join(b.dir, fmt.Sprintf("%s-%d.yaml", s.name, n))
	yaml := fmt.Sprintf("version: \"3\"\nserver:\n  command: \"php %s\"\nhttp:\n  address: %s\n  pool:\n    num_workers: %d\nrpc:\n  listen: tcp://%s\nlogs:\n  level: info\n",
		b.script, httpAddr, n, rpcAddr)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		return nil, time.Time{}, err
	}
	logPath := cfg + ".log"
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer logf.Close()
	args := []string{"serve", "-c", cfg}
	if strings.HasPrefix(s.name, "phprun") {
		args = append(args, "--headless")
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = b.dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, time.Time{}, err
	}
	return &running{cmd: cmd, url: "http://" + httpAddr + "/", config: cfg, log: logPath}, t0, nil
}

// stop ends the server with SIGTERM (its whole process group after 10 s).
func (r *running) stop() {
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = r.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// firstOK starts s with n workers and returns the time from exec to the
// first 200 and, for phprun, the boot_ms it logged.
func (b *bench) firstOK(s server, n int) (time.Duration, time.Duration, error) {
	r, t0, err := b.start(s, n)
	if err != nil {
		return 0, 0, err
	}
	d, err := waitOK(r.url, t0, 10*time.Second)
	r.stop()
	if err != nil {
		out, _ := os.ReadFile(r.log)
		return 0, 0, fmt.Errorf("%w\n%s", err, out)
	}
	return d, bootMS(r.log), nil
}

// waitOK asks url until it answers 200 and returns the time since t0. A
// refused connection is retried every half millisecond; a connection that
// is accepted waits for its answer.
func waitOK(url string, t0 time.Time, limit time.Duration) (time.Duration, error) {
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: limit}
	deadline := t0.Add(limit)
	for time.Now().Before(deadline) {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(t0), nil
			}
		}
		time.Sleep(500 * time.Microsecond)
	}
	return 0, fmt.Errorf("no 200 from %s within %v", url, limit)
}

var bootRE = regexp.MustCompile(`"boot_ms":(\d+)`)

// bootMS reads boot_ms from phprun's startup log line; 0 if absent.
func bootMS(logPath string) time.Duration {
	f, err := os.Open(logPath)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if m := bootRE.FindSubmatch(sc.Bytes()); m != nil {
			n, _ := strconv.Atoi(string(m[1]))
			return time.Duration(n) * time.Millisecond
		}
	}
	return 0
}

// workers starts s with 2 workers and times `workers -c config` against it.
func (b *bench) workers(s server) ([]time.Duration, error) {
	r, t0, err := b.start(s, 2)
	if err != nil {
		return nil, err
	}
	defer r.stop()
	if _, err := waitOK(r.url, t0, 10*time.Second); err != nil {
		return nil, err
	}
	var ds []time.Duration
	for range b.runs {
		d, err := timeRun(s.bin, "workers", "-c", r.config)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, nil
}

// timeRun runs bin with args and returns the time from exec to exit.
func timeRun(bin string, args ...string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	t0 := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(t0)
	if err != nil {
		return 0, fmt.Errorf("%w\n%s", err, out)
	}
	return d, nil
}

// freeAddr is a loopback address with a port nobody listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", errors.Join(errors.New("no free loopback port"), err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
