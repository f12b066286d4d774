package service

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/internal/protocodec"
	"github.com/phprun/phprun/rpc"
)

// phpServicesScript drives the service RPC from PHP the way
// spiral/roadrunner-services' Manager does (protobuf bodies, flag 0x80, one
// connection, seq from 1), with php-skeleton's goridge client and messages
// encoded by hand from the service.v1 field numbers (the protobuf library
// of Composer is not available here).
const phpServicesScript = `<?php
declare(strict_types=1);
require getenv('SKELETON') . '/autoload.php';
use Phprun\Frame;
function str(int $field, string $s): string { return chr($field << 3 | 2) . chr(strlen($s)) . $s; }
function num(int $field, int $n): string { return chr($field << 3) . chr($n); }
function strings_of(string $b): array { // repeated string field 1
    $out = []; $i = 0;
    while ($i < strlen($b)) { $n = ord($b[$i + 1]); $out[] = substr($b, $i + 2, $n); $i += 2 + $n; }
    return $out;
}
$rpc = \Phprun\Rpc\Client::create(getenv('RR_RPC'));
$out = [];
$create = str(1, 'php-made') . str(2, 'sleep 30') . num(3, 2) . num(7, 1) . num(9, 1);
$out['create'] = bin2hex($rpc->callRaw('service.Create', $create, Frame::CODEC_PROTO));
$out['list'] = strings_of($rpc->callRaw('service.List', '', Frame::CODEC_PROTO));
$st = $rpc->callRaw('service.Statuses', str(1, 'php-made'), Frame::CODEC_PROTO);
$out['statuses_len'] = strlen($st);
$out['terminate'] = bin2hex($rpc->callRaw('service.Terminate', str(1, 'php-made'), Frame::CODEC_PROTO));
try {
    $rpc->callRaw('service.Restart', str(1, 'php-made'), Frame::CODEC_PROTO);
    $out['error'] = 'no exception';
} catch (\Phprun\Exception\RpcException $e) {
    $out['error'] = $e->getMessage();
}
echo json_encode($out);
`

func TestPHPClientDrivesTheServiceRPC(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php is not installed")
	}
	skeleton, _ := filepath.Abs("../php-skeleton")
	s, _, _ := newTestSupervisor(t, Services{"cfg": {Command: "sleep 30"}})
	s.Start()
	srv, err := rpc.NewServer(nil, rpc.Options{Proto: protocodec.Codec{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Register("service", NewRPC(s)); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, ln); close(done) }()
	defer func() { cancel(); <-done }()

	script := filepath.Join(t.TempDir(), "client.php")
	if err := os.WriteFile(script, []byte(phpServicesScript), 0o644); err != nil {
		t.Fatal(err)
	}
	cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer ccancel()
	cmd := exec.CommandContext(cctx, php, script)
	cmd.Env = append(os.Environ(), "SKELETON="+skeleton, "RR_RPC=tcp://"+ln.Addr().String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("php: %v\n%s", err, out)
	}
	got := string(out)
	for _, want := range []string{
		`"create":"1001"`, // Response{ok: true}: field 2, varint 1
		`"list":["cfg","php-made"]`,
		`"terminate":"1001"`,
		`"error":"Error 'the service with php-made name doesn't exist' on tcp:`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("PHP saw %s; want %s", got, want)
		}
	}
	if strings.Contains(got, `"statuses_len":0`) {
		t.Errorf("Statuses answered an empty message: %s", got)
	}
}
