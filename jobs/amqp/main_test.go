package amqp_test

import (
	"context"
	"testing"

	"github.com/phprun/phprun/internal/testbroker"
	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/amqp"
)

// broker is the package's RabbitMQ, started once: it takes seconds to boot.
var broker *testbroker.Broker

func TestMain(m *testing.M) {
	testbroker.Main(m, testbroker.RabbitMQ, func(b *testbroker.Broker) { broker = b })
}

// open opens an amqp pipeline on the test broker; cfg adds driver keys.
func open(t testing.TB, name string, q jobs.Queue, cfg map[string]any) jobs.Driver {
	t.Helper()
	keys := map[string]any{"queue": name, "exchange": "phprun-test", "routing_key": name, "durable": true, "exchange_durable": true}
	for k, v := range cfg {
		keys[k] = v
	}
	d, err := amqp.Open(context.Background(), jobs.Options{
		Pipeline: jobs.Pipeline{Name: name, Driver: amqp.Name, Config: keys},
		Queue:    q,
		Global:   map[string]any{"addr": broker.Addr},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Stop(context.Background()) })
	return d
}
