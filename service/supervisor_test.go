package service

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Commands are run without a shell, as RoadRunner does; tests that need one
// write a script and run it with sh.
func script(t *testing.T, body string) string {
	t.Helper()
	p := t.TempDir() + "/s.sh"
	if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return "sh " + p
}

func TestOutputIsPublishedLineByLineWithNameAndPID(t *testing.T) {
	s, _, sub := newTestSupervisor(t, Services{"echo": {Command: script(t, "echo one; echo two >&2; printf 'three'")}})
	s.Start()
	got := lines(t, sub, "service:echo", 3, 5*time.Second)
	eventually(t, 5*time.Second, "exit", func() bool { return firstStatus(t, s, "echo").State == StateExited })
	pid := got[0].PID
	for i, want := range []string{"one", "two", "three"} {
		if got[i].Message != want || got[i].PID != pid {
			t.Errorf("line %d = %q pid %d, want %q pid %d", i, got[i].Message, got[i].PID, want, pid)
		}
	}
	if st := firstStatus(t, s, "echo"); st.LastLine != "three" || pid == 0 {
		t.Errorf("status %+v", st)
	}
}

func TestWithoutRemainAfterExitAProcessStaysExited(t *testing.T) {
	s2, _, _ := newTestSupervisor(t, Services{"once": {Command: script(t, "exit 3"), RestartSec: 1}})
	s2.Start()
	eventually(t, 5*time.Second, "exit", func() bool { return firstStatus(t, s2, "once").State == StateExited })
	time.Sleep(1500 * time.Millisecond)
	st := firstStatus(t, s2, "once")
	if st.State != StateExited || st.Restarts != 0 || !strings.Contains(st.Exit, "exit status 3") {
		t.Fatalf("status %+v", st)
	}
}

func TestRemainAfterExitRestartsAfterRestartSec(t *testing.T) {
	s, _, _ := newTestSupervisor(t, Services{"tick": {Command: script(t, "echo hi; sleep 0.2"), RemainAfterExit: true, RestartSec: 1}})
	s.Start()
	first := firstStatus(t, s, "tick")
	eventually(t, 5*time.Second, "a restart", func() bool {
		st := firstStatus(t, s, "tick")
		return st.Restarts >= 1 && st.State == StateRunning
	})
	st := firstStatus(t, s, "tick")
	if st.PID == first.PID || st.Started.Sub(first.Started) < time.Second {
		t.Fatalf("restart too early or same process: first %+v now %+v", first, st)
	}
}

func TestCrashLoopBacksOff(t *testing.T) {
	s, logs, _ := newTestSupervisor(t, Services{"crash": {Command: script(t, "echo boom; exit 1"), RemainAfterExit: true, RestartSec: 1}})
	s.Start()
	// 1 s after the first crash, then 2 s: in back-off with a 4 s wait next.
	eventually(t, 8*time.Second, "back-off", func() bool {
		st := firstStatus(t, s, "crash")
		return st.State == StateBackoff && st.Restarts >= 2 && time.Until(st.Next) > time.Second
	})
	st := firstStatus(t, s, "crash")
	// the third crash in a row waits 4 s (1, 2, then 4): more than the
	// 2 s of the second one, whenever this poll saw it
	if wait := time.Until(st.Next); wait <= time.Second || wait > 4*time.Second {
		t.Fatalf("next start in %s, want 1-4 s (state %+v)", wait, st)
	}
	if d := st.Next.Sub(st.Started); d < 3*time.Second {
		t.Fatalf("third crash waits %s after its start, want about 4 s (state %+v)", d, st)
	}
	if !strings.Contains(logs.String(), "service keeps failing") {
		t.Fatalf("no back-off message in the log:\n%s", logs)
	}
}

func TestMissingCommandFailsAloneAndNamesTheService(t *testing.T) {
	s, logs, _ := newTestSupervisor(t, Services{
		"ghost": {Command: "phprun-no-such-command --x"},
		"alive": {Command: "sleep 30"},
	})
	s.Start()
	st := firstStatus(t, s, "ghost")
	if st.State != StateFailed || !strings.Contains(st.Exit, "service ghost") || !strings.Contains(st.Exit, "not found") {
		t.Fatalf("ghost: %+v", st)
	}
	if a := firstStatus(t, s, "alive"); a.State != StateRunning || a.PID == 0 {
		t.Fatalf("alive: %+v", a)
	}
	if !strings.Contains(logs.String(), "service=ghost") {
		t.Fatalf("log does not name the service:\n%s", logs)
	}
}

func TestStopEscalatesToSIGKILLAndLeavesNoProcessOfTheGroup(t *testing.T) {
	// The script ignores SIGTERM and has a child: both must be gone.
	s, logs, sub := newTestSupervisor(t, Services{"stubborn": {Command: script(t, "trap '' TERM; sleep 300 & echo started; wait"), TimeoutStopSec: 1}})
	s.Start()
	lines(t, sub, "service:stubborn", 1, 5*time.Second)
	pid := firstStatus(t, s, "stubborn").PID
	start := time.Now()
	if err := s.Stop("stubborn"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond || d > 5*time.Second {
		t.Fatalf("stop took %s, want about timeout_stop_sec (1 s)", d)
	}
	eventually(t, 2*time.Second, "no process left in the group", func() bool { return !groupAlive(pid) })
	st := firstStatus(t, s, "stubborn")
	if st.State != StateStopped || !strings.Contains(logs.String(), "did not stop after SIGTERM") {
		t.Fatalf("state %+v\n%s", st, logs)
	}
	// and it can be started again
	if err := s.StartService("stubborn"); err != nil {
		t.Fatal(err)
	}
	if st := firstStatus(t, s, "stubborn"); st.State != StateRunning || st.Restarts != 1 || st.PID == pid {
		t.Fatalf("after start: %+v", st)
	}
}

func TestExecTimeoutKills(t *testing.T) {
	s, logs, _ := newTestSupervisor(t, Services{"slow": {Command: "sleep 30", ExecTimeout: 300 * time.Millisecond}})
	s.Start()
	eventually(t, 5*time.Second, "the kill", func() bool { return firstStatus(t, s, "slow").State == StateExited })
	if st := firstStatus(t, s, "slow"); !strings.Contains(st.Exit, "killed") || !strings.Contains(logs.String(), "exec_timeout") {
		t.Fatalf("status %+v\n%s", st, logs)
	}
}

func TestEnvIsUpperCasedAndExpanded(t *testing.T) {
	t.Setenv("PHPRUN_TEST_BASE", "base")
	s, _, sub := newTestSupervisor(t, Services{"env": {Command: script(t, "echo \"$GREETING\"; sleep 30"),
		Env: map[string]string{"greeting": "hello-$PHPRUN_TEST_BASE"}}})
	s.Start()
	if got := lines(t, sub, "service:env", 1, 5*time.Second)[0].Message; got != "hello-base" {
		t.Fatalf("got %q", got)
	}
}

func TestProcessNumRunsIdenticalProcesses(t *testing.T) {
	s, _, _ := newTestSupervisor(t, Services{"many": {Command: "sleep 30", ProcessNum: 3}})
	s.Start()
	var st []Status
	eventually(t, 5*time.Second, "memory figures", func() bool {
		st, _ = s.Statuses("many")
		return len(st) == 3 && st[0].RSS > 0 && st[1].RSS > 0 && st[2].RSS > 0
	})
	seen := map[int]bool{}
	for i, p := range st {
		if p.Index != i || p.State != StateRunning || seen[p.PID] || p.RSS == 0 {
			t.Fatalf("process %d: %+v", i, p)
		}
		seen[p.PID] = true
	}
}

func TestCreateRestartTerminateList(t *testing.T) {
	s, _, _ := newTestSupervisor(t, Services{"cfg": {Command: "sleep 30"}})
	s.Start()
	var ne *NameError
	if err := s.Create("x", Config{Command: "sleep 30"}); !errors.As(err, &ne) || !errors.Is(err, ErrNoProc) ||
		err.Error() != "the service with x name should have at least 1 process" {
		t.Fatalf("process_num 0: %v", err)
	}
	if err := s.Create("rpc", Config{Command: "sleep 30", ProcessNum: 2}); err != nil {
		t.Fatal(err)
	}
	if err := s.Create("rpc", Config{Command: "sleep 30", ProcessNum: 1}); err == nil || err.Error() != "the service with rpc name already exists" {
		t.Fatalf("duplicate: %v", err)
	}
	if err := s.Create("bad", Config{Command: "phprun-no-such-command", ProcessNum: 2}); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("missing command: %v", err)
	}
	if got := fmt.Sprint(s.Names()); got != "[cfg rpc]" {
		t.Fatalf("names %s", got)
	}
	before, _ := s.Statuses("rpc")
	if err := s.Restart("rpc"); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Statuses("rpc")
	for i := range after {
		if after[i].PID == before[i].PID || after[i].State != StateRunning || after[i].Restarts != 1 {
			t.Fatalf("restart %d: before %+v after %+v", i, before[i], after[i])
		}
		eventually(t, 2*time.Second, "the old process to be gone", func() bool { return !groupAlive(before[i].PID) })
	}
	if err := s.Terminate("rpc"); err != nil {
		t.Fatal(err)
	}
	if err := s.Terminate("rpc"); err == nil || err.Error() != "the service with rpc name doesn't exist" {
		t.Fatalf("terminate twice: %v", err)
	}
	eventually(t, 2*time.Second, "the terminated process to be gone", func() bool { return !groupAlive(after[0].PID) })
	if fmt.Sprint(s.Names()) != "[cfg]" {
		t.Fatalf("terminate left %v", s.Names())
	}
	if _, err := s.Statuses("rpc"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("statuses of a terminated service: %v", err)
	}
}

// TestNoOrphanWhenPhprunIsKilled runs a supervisor in a child process (this
// test binary), SIGKILLs it and checks its service died with it (Pdeathsig).
func TestNoOrphanWhenPhprunIsKilled(t *testing.T) {
	if os.Getenv("PHPRUN_SERVICE_HELPER") == "1" {
		s := New(Services{"child": {Command: "sleep 300"}}, Options{})
		s.Start()
		fmt.Println(firstStatus(t, s, "child").PID)
		time.Sleep(time.Minute)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoOrphanWhenPhprunIsKilled$")
	cmd.Env = append(os.Environ(), "PHPRUN_SERVICE_HELPER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	buf := make([]byte, 32)
	n, _ := out.Read(buf)
	pid, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil {
		t.Fatalf("helper said %q", buf[:n])
	}
	defer syscall.Kill(-pid, syscall.SIGKILL)
	_ = cmd.Process.Kill()
	eventually(t, 5*time.Second, "the service to die with its parent", func() bool { return !groupAlive(pid) })
}
