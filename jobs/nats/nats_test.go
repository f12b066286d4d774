package nats_test

import (
	"fmt"
	"testing"

	"github.com/phprun/phprun/internal/testbroker"
	"github.com/phprun/phprun/jobs/nats"

	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/jobstest"
)

func TestConformance(t *testing.T) {
	jobstest.Run(t, jobstest.Suite{
		Driver:  "nats",
		Durable: true,
		Open: func(t *testing.T, p jobs.Pipeline, q jobs.Queue) jobs.Driver {
			return open(t, p.Name, q, p.Config)
		},
	})
}

// A server that cannot be reached is jobs.ErrUnavailable (the plugin
// retries with back-off); a bad key is an error naming it.
func TestOpenErrors(t *testing.T) {
	port, err := testbroker.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	jobstest.OpenErrors(t, jobstest.OpenCase{Driver: nats.Name, Open: nats.Open,
		DownAddr: fmt.Sprintf("nats://127.0.0.1:%d", port), UpAddr: broker.Addr,
		Bad: map[string]any{"stream": "has.dots"}, BadKey: "stream"})
}
