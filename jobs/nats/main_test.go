package nats_test

import (
	"context"
	"testing"

	"github.com/phprun/phprun/internal/testbroker"
	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/nats"
)

// broker is the package's nats-server with JetStream, started once.
var broker *testbroker.Broker

func TestMain(m *testing.M) {
	testbroker.Main(m, testbroker.NATS, func(b *testbroker.Broker) { broker = b })
}

// open opens a nats pipeline on the test server, with its own subject in
// a shared stream; cfg adds driver keys.
func open(t testing.TB, name string, q jobs.Queue, cfg map[string]any) jobs.Driver {
	t.Helper()
	keys := map[string]any{"subject": "jobs." + name, "stream": "phprun-test"}
	for k, v := range cfg {
		keys[k] = v
	}
	d, err := nats.Open(context.Background(), jobs.Options{
		Pipeline: jobs.Pipeline{Name: name, Driver: nats.Name, Config: keys},
		Queue:    q,
		Global:   map[string]any{"addr": broker.Addr},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Stop(context.Background()) })
	return d
}
