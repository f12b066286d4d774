package memory_test

import (
	"context"
	"testing"

	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/jobstest"
	"github.com/phprun/phprun/jobs/memory"
)

func TestConformance(t *testing.T) {
	jobstest.Run(t, jobstest.Suite{
		Driver:  memory.Name,
		Ordered: true,
		Open: func(t *testing.T, p jobs.Pipeline, q jobs.Queue) jobs.Driver {
			d, err := memory.Open(context.Background(), jobs.Options{Pipeline: p, Queue: q})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = d.Stop(context.Background()) })
			return d
		},
	})
}
