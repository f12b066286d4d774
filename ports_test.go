package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPortWithoutPermission starts `phprun serve` on a privileged port as
// an unprivileged user and expects the clear message and exit code 1,
// before any worker starts. As root (CI) it drops to nobody with setpriv,
// so the check runs for real instead of being skipped.
func TestPortWithoutPermission(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start"); err == nil {
		if start, _ := strconv.Atoi(strings.TrimSpace(string(b))); start <= 81 {
			t.Skipf("this kernel lets anyone bind port 81 (ip_unprivileged_port_start=%d)", start)
		}
	}
	var drop []string
	if os.Geteuid() == 0 {
		if _, err := exec.LookPath("setpriv"); err != nil {
			t.Skip("running as root and setpriv (util-linux) is missing: cannot drop privileges")
		}
		drop = []string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"}
	}

	// A directory the unprivileged user can enter, with the binary and a
	// config; t.TempDir's parents are private to root.
	dir, err := os.MkdirTemp("", "phprun-port-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	built, err := os.ReadFile(initBuildPhprun(t))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "phprun")
	if err := os.WriteFile(bin, built, 0o755); err != nil {
		t.Fatal(err)
	}
	config := "version: \"3\"\nserver:\n  command: php worker.php\nhttp:\n  address: 127.0.0.1:81\n"
	if err := os.WriteFile(filepath.Join(dir, "phprun.yaml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}

	args := append(drop, bin, "serve", "--headless")
	// Bounded: were the bind to succeed, phprun would serve until killed.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("phprun serve on port 81 as an unprivileged user: %v, want exit code 1\n%s", err, out)
	}
	const want = "http.address 127.0.0.1:81: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE"
	if !strings.Contains(string(out), want) {
		t.Errorf("output does not explain the refused port:\n%s\nwant %q", out, want)
	}
	if strings.Contains(string(out), "phprun is serving") {
		t.Errorf("phprun reported serving although it could not bind:\n%s", out)
	}
}
