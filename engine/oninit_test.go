package engine

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func needSh(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
}

// Follows roadrunner-server/server tests (oninit_test.go): on_init runs
// once, in the workers' directory, with its own env; a failure or a
// timeout is reported with its cause and the command's output.
func TestRunOnInit(t *testing.T) {
	needSh(t)
	dir := t.TempDir()
	t.Setenv("PHPRUN_ONINIT_BASE", "base")
	run := func(cmd string, timeout time.Duration) (string, error) {
		var out bytes.Buffer
		s := ServerConfig{OnInit: &OnInitConfig{Command: []string{"sh", "-c", cmd}, ExecTimeout: timeout,
			Env: map[string]string{"greeting": "hi-${PHPRUN_ONINIT_BASE}"}}}
		err := RunOnInit(context.Background(), s, dir, &out)
		return out.String(), err
	}
	if out, err := run(`echo "$GREETING" > marker; echo printed`, 0); err != nil || out != "printed\n" {
		t.Fatalf("run: %q %v", out, err)
	}
	if got := mustRead(t, filepath.Join(dir, "marker")); got != "hi-base\n" {
		t.Errorf("env or dir: marker %q", got)
	}
	if out, err := run("echo oops >&2; exit 3", 0); err == nil || !strings.Contains(err.Error(), "exit status 3") || out != "oops\n" {
		t.Errorf("failure: %q %v", out, err)
	}
	start := time.Now()
	_, err := run("sleep 30 & sleep 30", 200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "exec_timeout (200ms)") {
		t.Errorf("timeout: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout took %v: the process group was not killed", d)
	}
	if err := RunOnInit(context.Background(), ServerConfig{}, dir, &bytes.Buffer{}); err != nil {
		t.Errorf("no on_init: %v", err)
	}
}

func TestValidateUserAndOnInit(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Server.Command = []string{"php", "w.php"}
	cfg.Server.User = "no-such-user-phprun"
	cfg.Server.OnInit = &OnInitConfig{}
	err := cfg.Validate()
	for _, want := range []string{`server.user: unknown user "no-such-user-phprun"`, "server.on_init.command: required"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
}

// server.user starts the workers as that user (RoadRunner's
// process.ExecuteFromUser). Needs root and a "nobody" user.
func TestServerUserRunsWorkers(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody")
	}
	cfg := phpConfig(t, 1)
	cfg.Server.User = "nobody"
	p := newPool(t, cfg, nil)
	ws := p.Stats().Workers
	if len(ws) != 1 {
		t.Fatalf("workers: %+v", ws)
	}
	status := mustRead(t, "/proc/"+itoa(ws[0].PID)+"/status")
	for _, line := range strings.Split(status, "\n") {
		if strings.HasPrefix(line, "Uid:") {
			if f := strings.Fields(line); len(f) < 2 || f[1] != nobody.Uid {
				t.Errorf("worker runs as %q, want uid %s", line, nobody.Uid)
			}
			return
		}
	}
	t.Errorf("no Uid line in /proc status")
}
