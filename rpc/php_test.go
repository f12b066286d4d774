package rpc

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// phpClientScript exercises php-skeleton's RPC client (src/Rpc/Client.php)
// the way PHP applications use RR_RPC: JSON codec, seq from 1, one
// connection, error replies as exceptions.
const phpClientScript = `<?php
declare(strict_types=1);
require getenv('SKELETON') . '/autoload.php';
$rpc = \Phprun\Rpc\Client::create(getenv('RR_RPC'));
$out = [];
$out['list'] = $rpc->call('informer.List', true);
$out['workers'] = $rpc->call('informer.Workers', 'http');
$out['unknown'] = $rpc->call('informer.Workers', 'nope');
$out['jobs'] = $rpc->call('informer.Jobs', 'http');
$out['reset'] = $rpc->call('resetter.Reset', 'http');
$out['version'] = $rpc->call('rpc.Version', true);
$out['config'] = base64_decode($rpc->call('rpc.Config', true));
foreach (['nope.Nope', 'resetter.Reset'] as $m) {
    try {
        $rpc->call($m, 'jobs');
        $out['errors'][] = 'no exception';
    } catch (\Phprun\Exception\RpcException $e) {
        $out['errors'][] = $e->getMessage();
    }
}
$out['prefixed'] = $rpc->withServicePrefix('resetter')->call('list', true);
// What spiral/roadrunner-worker's WorkerPool needs: all eight keys, typed.
$out['typed'] = array_map(static fn (array $w): bool => is_int($w['pid']) && is_int($w['status'])
    && is_int($w['numExecs']) && is_int($w['created']) && is_int($w['memoryUsage'])
    && is_float($w['CPUPercent']) && is_string($w['command']) && is_string($w['statusStr']), $out['workers']['workers']);
echo json_encode($out, JSON_UNESCAPED_SLASHES);
`

func TestPHPClient(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php not installed")
	}
	skeleton, err := filepath.Abs("../php-skeleton")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(skeleton, "src/Rpc/Client.php")); err != nil {
		t.Skip("php-skeleton RPC client not present")
	}
	pools := samplePools()
	_, addr := startServer(t, pools, Options{Version: "phprun-test", Config: func() ([]byte, error) {
		return []byte(`{"rpc":{"listen":"x"}}`), nil
	}})
	script := filepath.Join(t.TempDir(), "client.php")
	must(t, os.WriteFile(script, []byte(phpClientScript), 0o644))

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, php, script)
	cmd.Env = append(os.Environ(), "SKELETON="+skeleton, "RR_RPC=tcp://"+addr)
	cmd.Env = slicesWithout(cmd.Env, "RR_RELAY=")
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("php: %v\nstdout: %s\nstderr: %s", err, out, stderr)
	}
	var got struct {
		List     []string         `json:"list"`
		Workers  WorkerList       `json:"workers"`
		Unknown  map[string][]any `json:"unknown"`
		Jobs     []any            `json:"jobs"`
		Reset    bool             `json:"reset"`
		Version  string           `json:"version"`
		Config   string           `json:"config"`
		Errors   []string         `json:"errors"`
		Prefixed []string         `json:"prefixed"`
		Typed    []bool           `json:"typed"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("php output %q: %v", out, err)
	}
	if !reflect.DeepEqual(got.List, []string{"http"}) || !reflect.DeepEqual(got.Prefixed, []string{"http"}) {
		t.Errorf("lists: %v, %v", got.List, got.Prefixed)
	}
	if !reflect.DeepEqual(got.Workers.Workers, wantStates) {
		t.Errorf("workers as PHP decoded them: %+v", got.Workers.Workers)
	}
	if w, ok := got.Unknown["workers"]; !ok || w == nil || len(w) != 0 {
		t.Errorf("unknown plugin: %v (want an empty array)", got.Unknown)
	}
	if got.Jobs == nil || len(got.Jobs) != 0 {
		t.Errorf("jobs: %v", got.Jobs)
	}
	if !got.Reset || pools.resetCount("http") != 1 {
		t.Errorf("reset: %v, count %d", got.Reset, pools.resetCount("http"))
	}
	if got.Version != "phprun-test" || got.Config != `{"rpc":{"listen":"x"}}` {
		t.Errorf("version %q config %q", got.Version, got.Config)
	}
	if len(got.Errors) != 2 ||
		!strings.Contains(got.Errors[0], "rpc: can't find service nope.Nope") ||
		!strings.Contains(got.Errors[1], "no such plugin: jobs") {
		t.Errorf("errors: %q", got.Errors)
	}
	if !reflect.DeepEqual(got.Typed, []bool{true, true}) {
		t.Errorf("worker keys/types as PHP sees them: %v", got.Typed)
	}
}

func slicesWithout(env []string, prefix string) []string {
	out := env[:0:0]
	for _, e := range env {
		if !strings.HasPrefix(e, prefix) {
			out = append(out, e)
		}
	}
	return out
}
