package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// helperMain is a fake worker: the test binary re-executed with
// GO_WANT_HELPER_PROCESS=1. It speaks the protocol like echo.php and
// misbehaves as mode says. Modes combine with commas.
//
//	exit-boot      exit 2 before the handshake, after printing to stderr
//	notfound       print PHP's "Could not open input file" and exit 1
//	silent         never answer the handshake
//	junk           print stray bytes on stdout before every reply
//	badframe       answer jobs with two options (protocol violation)
//	nohandshake-control  answer the handshake without the CONTROL flag
//	deaf           after the handshake, ignore stdin and SIGTERM (only SIGKILL ends it)
//	owner          not a worker: run a pool of deaf workers (see ownerMain)
//	stop-once      the first job of the whole pool (file STOP_MARK) gets a restart request
//	slow-boot      wait SLOW_BOOT_MS before answering the handshake; with FAST_FIRST set,
//	               the first worker of the whole pool (it creates that file) does not wait
//
// With BOOT_FAIL set to a path that exists, the worker fails to boot.
//
// Per job, the context selects behaviour: "crash" exits mid-job, "hang"
// never answers, "error" sends a soft error, "stop" asks for a restart,
// "stream:N" sends N chunks (PING every 5th, honouring STOP),
// "sleep:MS" waits, "hold:PATH" waits (10 s at most) until the file PATH exists,
// "late-error[-slow]" / "late-data[-slow]" answer and then
// send an unasked ERROR / data frame, anything else is echoed.
func helperMain(mode string) int {
	modes := map[string]bool{}
	for _, m := range strings.Split(mode, ",") {
		modes[m] = true
	}
	if modes["exit-boot"] {
		fmt.Fprintln(os.Stderr, "PHP Parse error: syntax error in worker.php on line 3")
		return 2
	}
	if f := os.Getenv("BOOT_FAIL"); f != "" {
		if _, err := os.Stat(f); err == nil {
			fmt.Fprintln(os.Stderr, "PHP Fatal error: boot failed because", f, "exists")
			return 255
		}
	}
	if modes["owner"] {
		return ownerMain()
	}
	if modes["notfound"] {
		fmt.Print("Could not open input file: missing.php\n")
		return 1
	}
	var rd io.Reader = os.Stdin
	var wr io.Writer = os.Stdout
	if relay := os.Getenv("RR_RELAY"); relay != "pipes" {
		proto, addr, _ := strings.Cut(relay, "://")
		c, err := net.Dial(proto, addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "dial:", err)
			return 1
		}
		rd, wr = c, c
	}
	r := wire.NewReader(rd, 1<<16, 1<<30)
	var f wire.Frame
	send := func(flags, b10 byte, opts []uint32, parts ...[]byte) {
		b, _ := wire.AppendFrame(nil, flags, b10, opts, parts...)
		if modes["junk"] && flags&wire.Control == 0 {
			b = append([]byte("Warning: stray echo\n"), b...)
		}
		if _, err := wr.Write(b); err != nil {
			os.Exit(1)
		}
	}
	for {
		if err := r.ReadFrame(&f); err != nil {
			return 0
		}
		if f.Flags&wire.Control != 0 {
			var m map[string]any
			_ = json.Unmarshal(f.Payload, &m)
			if m["stop"] == true {
				return 0
			}
			if modes["silent"] {
				time.Sleep(time.Hour)
			}
			if modes["slow-boot"] {
				slowBoot()
			}
			flags := wire.Control
			if modes["nohandshake-control"] {
				flags = 0
			}
			send(flags, 0, nil, []byte(`{"pid":`+strconv.Itoa(os.Getpid())+`}`))
			if modes["deaf"] {
				signal.Ignore(syscall.SIGTERM, syscall.SIGPIPE)
				time.Sleep(time.Hour)
			}
			continue
		}
		if f.Byte10&(wire.Pong|wire.StreamStop) != 0 {
			continue
		}
		ctx := string(f.Payload[:f.Options[0]])
		body := append([]byte(nil), f.Payload[f.Options[0]:]...)
		switch {
		case modes["badframe"]:
			send(0, 0, []uint32{1, 2}, []byte("xy"))
		case ctx == "crash":
			fmt.Fprintln(os.Stderr, "PHP Fatal error: crash on purpose")
			os.Exit(3)
		case ctx == "hang":
			time.Sleep(time.Hour)
		case ctx == "error":
			send(wire.Error, 0, nil, []byte("soft failure"))
		case strings.HasPrefix(ctx, "late-"):
			// Answer, then send one more frame unasked (roadrunner-http's
			// README: respond(500) then $worker->error()), at once or after
			// a pause so that it reaches an idle relay.
			send(0, 0, []uint32{uint32(len(ctx))}, []byte(ctx), body)
			if strings.HasSuffix(ctx, "-slow") {
				time.Sleep(50 * time.Millisecond)
			}
			if strings.HasPrefix(ctx, "late-data") {
				send(0, 0, []uint32{0}, []byte("stale"))
			} else {
				send(wire.Error, 0, nil, []byte("late failure"))
			}
		case modes["stop-once"] && claimOnce(os.Getenv("STOP_MARK")):
			send(0, 0, []uint32{13}, []byte(`{"stop":true}`))
		case ctx == "spawnchild":
			// A grandchild in the worker's process group.
			c := exec.Command("sleep", "60")
			if err := c.Start(); err != nil {
				send(wire.Error, 0, nil, []byte(err.Error()))
				continue
			}
			pid := []byte(strconv.Itoa(c.Process.Pid))
			send(0, 0, []uint32{0}, pid)
		case ctx == "pid":
			send(0, 0, []uint32{3}, []byte("pid"), []byte(strconv.Itoa(os.Getpid())))
		case ctx == "stop":
			send(0, 0, []uint32{13}, []byte(`{"stop":true}`))
		case strings.HasPrefix(ctx, "sleep:"):
			ms, _ := strconv.Atoi(strings.TrimPrefix(ctx, "sleep:"))
			time.Sleep(time.Duration(ms) * time.Millisecond)
			send(0, 0, []uint32{uint32(len(ctx))}, []byte(ctx), body)
		case strings.HasPrefix(ctx, "hold:"):
			path := strings.TrimPrefix(ctx, "hold:")
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				if _, err := os.Stat(path); err == nil {
					break
				}
			}
			send(0, 0, []uint32{uint32(len(ctx))}, []byte(ctx), body)
		case ctx == "streamhang":
			send(0, wire.Stream, []uint32{0}, []byte("first"))
			time.Sleep(time.Hour)
		case strings.HasPrefix(ctx, "stream:"):
			n, _ := strconv.Atoi(strings.TrimPrefix(ctx, "stream:"))
			if !helperStream(r, &f, send, n) {
				return 0
			}
		default:
			send(f.Flags, 0, []uint32{uint32(len(ctx))}, []byte(ctx), body)
		}
	}
}

// helperStream sends n chunks like PHP's stream mode: every 5th frame
// carries PING and the worker then waits for PONG (or STOP), reading the
// relay only there, as PHP does over pipes. It returns false when the
// relay broke.
func helperStream(r *wire.Reader, f *wire.Frame, send func(byte, byte, []uint32, ...[]byte), n int) bool {
	for i := 1; i <= n; i++ {
		b10 := wire.Stream
		if i == n {
			b10 = 0
		}
		ping := i%5 == 0
		if ping {
			b10 |= wire.Ping
		}
		chunk := []byte("chunk" + strconv.Itoa(i))
		send(0, b10, []uint32{0}, chunk)
		if ping {
			if err := r.ReadFrame(f); err != nil {
				return false
			}
			if f.Byte10&wire.StreamStop != 0 {
				// StreamStoppedException: end with an empty terminator.
				send(0, 0, []uint32{0})
				return true
			}
		}
	}
	return true
}

// ownerMain runs a pool of two fake workers, prints their PIDs and waits
// to be killed: the test of Pdeathsig kills it with SIGKILL.
func ownerMain() int {
	cfg := DefaultConfig()
	cfg.Server.Command = []string{os.Args[0], "-test.run=^$"}
	// Deaf workers do not notice their stdin closing: only Pdeathsig ends them.
	cfg.Server.Env = map[string]string{"HELPER_MODE": "deaf", "GORACE": "atexit_sleep_ms=0"}
	cfg.Pool.NumWorkers = 2
	p, err := New(context.Background(), cfg, nil)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	for _, w := range p.Stats().Workers {
		fmt.Println(w.PID)
	}
	fmt.Println("ready")
	time.Sleep(time.Minute)
	return 0
}

// claimOnce creates path and reports whether this call created it.
func claimOnce(path string) bool {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// slowBoot is the slow-boot mode's wait (see helperMain).
func slowBoot() {
	if first := os.Getenv("FAST_FIRST"); first != "" {
		if f, err := os.OpenFile(first, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644); err == nil {
			f.Close()
			return
		}
	}
	ms, _ := strconv.Atoi(os.Getenv("SLOW_BOOT_MS"))
	time.Sleep(time.Duration(ms) * time.Millisecond)
}
