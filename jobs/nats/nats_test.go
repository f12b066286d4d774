package nats_test

import (
	"testing"

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
