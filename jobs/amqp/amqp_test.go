package amqp_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/phprun/phprun/internal/testbroker"
	"github.com/phprun/phprun/jobs/amqp"

	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/jobstest"
)

func TestConformance(t *testing.T) {
	jobstest.Run(t, jobstest.Suite{
		Driver:  "amqp",
		Durable: true,
		Open: func(t *testing.T, p jobs.Pipeline, q jobs.Queue) jobs.Driver {
			return open(t, p.Name, q, p.Config)
		},
	})
}

// A broker that cannot be reached is jobs.ErrUnavailable (the plugin
// retries with back-off); a bad key is an error naming it.
func TestOpenErrors(t *testing.T) {
	port, err := testbroker.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	o := jobs.Options{Pipeline: jobs.Pipeline{Name: "down", Driver: amqp.Name, Config: map[string]any{}},
		Queue: jobstest.NewCollector(), Global: map[string]any{"addr": fmt.Sprintf("amqp://guest:guest@127.0.0.1:%d/", port)}}
	if _, err := amqp.Open(context.Background(), o); !errors.Is(err, jobs.ErrUnavailable) {
		t.Fatalf("open with the broker down: got %v, want ErrUnavailable", err)
	}
	o.Global = map[string]any{"addr": broker.Addr}
	o.Pipeline.Config = map[string]any{"exchange_type": "fan-out"}
	_, err = amqp.Open(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "jobs.pipelines.down.config.exchange_type") {
		t.Fatalf("bad exchange_type: got %v, want an error naming the key", err)
	}
}
