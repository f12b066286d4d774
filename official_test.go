//go:build unix

package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/phprun/phprun/kv/kvtest"
)

// officialLibsEnv names the directory of the official RoadRunner PHP
// libraries (spiral/goridge, roadrunner-worker, roadrunner-jobs,
// roadrunner-kv, roadrunner-metrics and what they need), assembled out of
// tree as docs/compatibility.md describes. They cannot be installed from
// Composer on the build machine and are not in this repository.
const officialLibsEnv = "PHPRUN_OFFICIAL_LIBS"

// TestOfficialClients runs the scripts in testdata/official: `phprun serve`
// and the official spiral PHP clients, unmodified, through
// bench/official/*.php (kv on memory, boltdb and redis; metrics with
// /metrics parsed by client_golang's parser; jobs with the official
// Consumer). Opt-in: it skips unless PHPRUN_OFFICIAL_LIBS is set.
func TestOfficialClients(t *testing.T) {
	libs := os.Getenv(officialLibsEnv)
	if libs == "" {
		t.Skip(officialLibsEnv + " is not set: the official spiral PHP clients are assembled out of tree (docs/compatibility.md, \"Running the official clients\")")
	}
	libs, err := filepath.Abs(libs)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"goridge/src", "worker/src", "jobs/src", "kv/src", "metrics/src", "simple-cache/src", "dto/generated", "protobuf/src", "log/src"} {
		if _, err := os.Stat(filepath.Join(libs, d)); err != nil {
			t.Fatalf("%s=%s: %v (see docs/compatibility.md)", officialLibsEnv, libs, err)
		}
	}
	off, err := filepath.Abs(filepath.Join("bench", "official"))
	if err != nil {
		t.Fatal(err)
	}
	red, err := kvtest.StartRedis("")
	switch {
	case errors.Is(err, kvtest.ErrNoRedis):
		t.Log("redis-server not installed: the redis storage is not tried")
	case err != nil:
		t.Fatal(err)
	default:
		t.Cleanup(red.Stop)
	}
	ports := newLoopbackPorts()
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "official"),
		Setup: func(env *testscript.Env) error {
			for _, name := range []string{"HTTP_ADDR", "RPC_ADDR", "METRICS_ADDR"} {
				addr, err := ports.addr()
				if err != nil {
					return err
				}
				env.Setenv(name, addr)
			}
			env.Setenv(officialLibsEnv, libs)
			env.Setenv("OFFICIAL", off)
			if red != nil {
				env.Setenv("REDIS_ADDR", red.Addr)
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "redis" {
				return red != nil, nil
			}
			return false, errors.New("unknown condition " + cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"get":       cmdGet,
			"waitfor":   cmdWaitFor,
			"waitfile":  cmdWaitFile,
			"promcheck": cmdPromcheck,
		},
	})
}
