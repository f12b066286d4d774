package jobstest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/phprun/phprun/jobs"
)

// OpenCase describes the two ways a broker driver's Open must fail.
type OpenCase struct {
	Driver string
	Open   func(context.Context, jobs.Options) (jobs.Driver, error)
	// DownAddr is an address where no broker listens; UpAddr a live one.
	DownAddr, UpAddr string
	// Bad is a pipeline config with one bad value, under the key BadKey.
	Bad    map[string]any
	BadKey string
}

// OpenErrors checks that a broker that cannot be reached is
// jobs.ErrUnavailable (the plugin retries with back-off) and that a bad
// pipeline key is an error naming the whole key.
func OpenErrors(t *testing.T, c OpenCase) {
	t.Helper()
	o := jobs.Options{Pipeline: jobs.Pipeline{Name: "down", Driver: c.Driver, Config: map[string]any{}},
		Queue: NewCollector(), Global: map[string]any{"addr": c.DownAddr}}
	if _, err := c.Open(context.Background(), o); !errors.Is(err, jobs.ErrUnavailable) {
		t.Fatalf("open with the broker down: got %v, want ErrUnavailable", err)
	}
	o.Global = map[string]any{"addr": c.UpAddr}
	o.Pipeline.Config = c.Bad
	_, err := c.Open(context.Background(), o)
	if key := "jobs.pipelines.down.config." + c.BadKey; err == nil || !strings.Contains(err.Error(), key) {
		t.Fatalf("bad %s: got %v, want an error naming %s", c.BadKey, err, key)
	}
}
