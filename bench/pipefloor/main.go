// Command pipefloor measures the Go CPU that the worker exchange alone
// costs on this machine: one message down a pipe to a PHP process, one
// answer back, nothing else. It is the floor under docs/benchmarks.md's
// "Go CPU per job" figure: phprun cannot spend less per job than the
// exchange RoadRunner's protocol requires (one frame each way).
//
// Two modes, each with W PHP echo processes answering at once as the jobs
// pool's workers do:
//
//   - poll: non-blocking pipes through the runtime poller with os.File's
//     Read and Write (a goroutine parks until the answer is there);
//   - fdio: the same pipes through engine/fdio's raw calls, which is how
//     phprun's engine reads and writes its workers' pipes;
//   - block: blocking pipes, one locked OS thread per worker, plain
//     write(2) then read(2): two system calls per exchange, no poller;
//   - ahead: the fdio path with -depth messages in each pipe at once, a
//     new one written as each answer is read (how the jobs plugin's
//     batches keep PHP from sleeping between jobs, jobs/batch.go).
//
// Go CPU is getrusage(RUSAGE_SELF) user+system time over the run divided
// by the number of exchanges; the PHP processes are not counted.
//
//	go run ./bench/pipefloor [-n 60000] [-w 2] [-out 256] [-back 48] [-depth 8]
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/phprun/phprun/engine/fdio"
	"github.com/phprun/phprun/internal/cputime"
)

// echoPHP answers every read of up to OUT bytes with BACK bytes; the
// message sizes are about those of a small job's frame and its ack.
const echoPHP = `$out = (int) $argv[1]; $back = str_repeat('a', (int) $argv[2]);
while (($d = fread(STDIN, $out)) !== false && $d !== '') { fwrite(STDOUT, $back); }`

func main() {
	n := flag.Int("n", 60000, "exchanges in all")
	workers := flag.Int("w", 2, "PHP echo processes answering at once")
	out := flag.Int("out", 256, "bytes sent per exchange")
	back := flag.Int("back", 48, "bytes answered per exchange")
	depth := flag.Int("depth", 8, "messages in each pipe at once in the ahead mode")
	flag.Parse()
	for _, mode := range []string{"poll", "fdio", "block", "ahead"} {
		cpu, wall, err := run(mode, *n, *workers, *out, *back, *depth)
		if err != nil {
			log.Fatalf("pipefloor: %s: %v", mode, err)
		}
		fmt.Printf("%-5s n=%d workers=%d  go cpu per exchange: %.1f us  (%.0f exchanges/s)\n",
			mode, *n, *workers, float64(cpu.Microseconds())/float64(*n), float64(*n)/wall.Seconds())
	}
}

// peer is one PHP echo process and the Go ends of its two pipes.
type peer struct {
	cmd      *exec.Cmd
	to, from *os.File
}

func start(out, back int) (*peer, error) {
	cmd := exec.Command("php", "-r", echoPHP, "--", fmt.Sprint(out), fmt.Sprint(back))
	to, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("stdin pipe: %w", err)
	}
	from, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("stdout pipe: %w", err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start php: %w", err)
	}
	return &peer{cmd: cmd, to: to.(*os.File), from: from.(*os.File)}, nil
}

func (p *peer) stop() {
	p.to.Close()
	_ = p.cmd.Wait()
}

func run(mode string, n, workers, out, back, depth int) (time.Duration, time.Duration, error) {
	peers := make([]*peer, workers)
	for i := range peers {
		p, err := start(out, back)
		if err != nil {
			return 0, 0, err
		}
		defer p.stop()
		peers[i] = p
	}
	// One exchange each first, so PHP's start-up is not in the figures.
	for _, p := range peers {
		if err := exchange(p.to, p.from, make([]byte, out), make([]byte, back)); err != nil {
			return 0, 0, fmt.Errorf("warm-up: %w", err)
		}
	}
	var fds [][2]int
	if mode == "block" {
		for _, p := range peers {
			// Fd puts the descriptors back in blocking mode.
			fds = append(fds, [2]int{int(p.to.Fd()), int(p.from.Fd())})
		}
	}
	c0, t0 := cputime.Self(), time.Now()
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i, p := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg, ans := make([]byte, out), make([]byte, back)
			count := n / workers
			if mode == "block" {
				runtime.LockOSThread()
				errs[i] = blocking(fds[i], msg, ans, count)
				return
			}
			var to io.Writer = p.to
			var from io.Reader = p.from
			if mode == "fdio" || mode == "ahead" {
				to, from = fdio.File(p.to), fdio.File(p.from)
			}
			if mode == "ahead" {
				errs[i] = ahead(to, from, msg, ans, count, depth)
				return
			}
			for range count {
				if err := exchange(to, from, msg, ans); err != nil {
					errs[i] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	wall, cpu := time.Since(t0), cputime.Self()-c0
	for _, err := range errs {
		if err != nil {
			return 0, 0, err
		}
	}
	return cpu, wall, nil
}

// exchange is one message out and its whole answer back through the poller.
func exchange(to io.Writer, from io.Reader, msg, ans []byte) error {
	if _, err := to.Write(msg); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if _, err := io.ReadFull(from, ans); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return nil
}

// blocking does count exchanges with raw blocking system calls.
func blocking(fd [2]int, msg, ans []byte, count int) error {
	for range count {
		if _, err := syscall.Write(fd[0], msg); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		for got := 0; got < len(ans); {
			m, err := syscall.Read(fd[1], ans[got:])
			if err != nil || m == 0 {
				return fmt.Errorf("read: %d bytes, %v", m, err)
			}
			got += m
		}
	}
	return nil
}

// ahead keeps depth messages in the pipe: it writes depth, then one more
// after each answer until count were sent, and reads count answers.
func ahead(to io.Writer, from io.Reader, msg, ans []byte, count, depth int) error {
	sent := 0
	for ; sent < min(depth, count); sent++ {
		if _, err := to.Write(msg); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	for range count {
		if _, err := io.ReadFull(from, ans); err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if sent < count {
			if _, err := to.Write(msg); err != nil {
				return fmt.Errorf("write: %w", err)
			}
			sent++
		}
	}
	return nil
}
