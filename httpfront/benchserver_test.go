//go:build benchserver

package httpfront

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// TestBenchServer serves hello.php with two workers on $BENCH_ADDR for
// $BENCH_SECONDS, so that wrk can load it while `go test -cpuprofile`
// records where the Go side spends its time:
//
//	BENCH_ADDR=127.0.0.1:28490 BENCH_SECONDS=15 go test -tags benchserver \
//	  -run TestBenchServer -cpuprofile /tmp/cpu.out ./httpfront/ &
//	wrk -t1 -c32 -d10s http://127.0.0.1:28490/
func TestBenchServer(t *testing.T) {
	secs, _ := strconv.Atoi(os.Getenv("BENCH_SECONDS"))
	pool := startPool(t, "hello", 2, nil, nil)
	cfg := DefaultConfig()
	cfg.Address = os.Getenv("BENCH_ADDR")
	startFront(t, cfg, pool, Options{})
	time.Sleep(time.Duration(max(secs, 1)) * time.Second)
}
