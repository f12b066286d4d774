package amqp_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/phprun/phprun/internal/testbroker"
	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/amqp"
)

// broker is the package's RabbitMQ, started once: it takes seconds to
// boot. Besides its plain listener it has an amqps one (broker.TLSAddr)
// that wants a client certificate signed by certs.CA.
var (
	broker *testbroker.Broker
	certs  *testCerts
)

func TestMain(m *testing.M) {
	var err error
	if certs, err = makeCerts(); err != nil {
		fmt.Fprintln(os.Stderr, "amqp tests: certificates:", err)
		os.Exit(1)
	}
	start := func() (*testbroker.Broker, error) {
		return testbroker.RabbitMQWith(testbroker.RabbitMQOptions{TLS: &testbroker.TLSFiles{
			CA: certs.CA, Cert: certs.ServerCert, Key: certs.ServerKey, RequireClientCert: true}})
	}
	testbroker.Main(m, start, func(b *testbroker.Broker) { broker = b }, func() { _ = os.RemoveAll(certs.dir) })
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
