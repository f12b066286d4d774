package metrics_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/internal/protocodec"
	"github.com/phprun/phprun/metrics"
	"github.com/phprun/phprun/metrics/promtest"
	"github.com/phprun/phprun/rpc"
)

// scrape GETs /metrics and parses it with client_golang's text parser.
func scrape(t testing.TB, addr string) (map[string]*dto.MetricFamily, http.Header) {
	t.Helper()
	fams, hdr, err := promtest.Scrape("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	return fams, hdr
}

// value finds the sample of family name whose labels include want
// (name, value pairs).
func value(t testing.TB, fams map[string]*dto.MetricFamily, name string, want ...string) (float64, bool) {
	t.Helper()
	labels := map[string]string{}
	for i := 0; i+1 < len(want); i += 2 {
		labels[want[i]] = want[i+1]
	}
	f, ok := fams[name]
	if !ok {
		return 0, false
	}
	return promtest.Value(f, labels)
}

// startPlugin runs the plugin's endpoint on a loopback port and its RPC
// service on another.
func startPlugin(t testing.TB, cfg metrics.Config) (p *metrics.Plugin, rpcAddr string) {
	t.Helper()
	if cfg.Address == "" {
		cfg.Address = "127.0.0.1:0"
	}
	p, err := metrics.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Listen(); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- p.Serve() }()
	srv, err := rpc.NewServer(noPools{}, rpc.Options{Proto: protocodec.Codec{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Register("metrics", p.Service()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, ln); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		if err := p.Shutdown(sctx); err != nil {
			t.Error(err)
		}
		if err := <-served; err != nil {
			t.Error(err)
		}
	})
	return p, ln.Addr().String()
}

type noPools struct{}

func (noPools) Names() []string                     { return nil }
func (noPools) Stats(string) (engine.Stats, bool)   { return engine.Stats{}, false }
func (noPools) Reset(context.Context, string) error { return nil }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
