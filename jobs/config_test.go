package jobs_test

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/phprun/phprun/internal/fielderr"
	"github.com/phprun/phprun/jobs"
)

func TestConfigValidate(t *testing.T) {
	cfg := jobs.DefaultConfig()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	cfg.Consume = []string{"emails", ""}
	cfg.Pipelines = map[string]jobs.PipelineConfig{
		"emails":  {Driver: "memory", Config: map[string]any{"priority": "high"}},
		"nodrive": {},
		"typo":    {Driver: "memroy"},
	}
	cfg.Pool.AllocateTimeout = -1
	err := cfg.Validate()
	var keys []string
	for _, e := range fielderr.Leaves(err) {
		var fe *fielderr.Error
		if !errors.As(e, &fe) {
			t.Fatalf("%v is not a *fielderr.Error", e)
		}
		keys = append(keys, fe.Key)
	}
	sort.Strings(keys)
	want := "jobs.consume[1] jobs.pipelines.emails.config.priority jobs.pipelines.nodrive.driver jobs.pipelines.typo.driver jobs.pool.allocate_timeout"
	if got := strings.Join(keys, " "); got != want {
		t.Fatalf("keys %s\nwant %s\n(%v)", got, want, err)
	}
}
