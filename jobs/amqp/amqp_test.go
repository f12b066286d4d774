package amqp_test

import (
	"fmt"
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
	jobstest.OpenErrors(t, jobstest.OpenCase{Driver: amqp.Name, Open: amqp.Open,
		DownAddr: fmt.Sprintf("amqp://guest:guest@127.0.0.1:%d/", port), UpAddr: broker.Addr,
		Bad: map[string]any{"exchange_type": "fan-out"}, BadKey: "exchange_type"})
}
