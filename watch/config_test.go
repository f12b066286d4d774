package watch

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultConfigIsValid(t *testing.T) {
	t.Parallel()
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Debounce != 150*time.Millisecond || c.PollInterval != time.Second || c.Poll {
		t.Errorf("defaults changed: %+v", c)
	}
	// Fresh slices each call: appending the uploads dir must not leak.
	c.Ignore = append(c.Ignore, "public/uploads")
	if d := DefaultConfig(); len(d.Ignore) != 5 {
		t.Errorf("DefaultConfig().Ignore = %v after a caller appended", d.Ignore)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	c := Config{
		Dirs:         []string{"src", " "},
		Patterns:     []string{"*.php", "[", ""},
		Ignore:       []string{"vendor/", "a/[b"},
		Debounce:     -time.Millisecond,
		PollInterval: time.Millisecond,
	}
	before := strings.Join(c.Dirs, ",")
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted a bad config")
	}
	for _, want := range []string{
		"watch.dirs: entry 1 is empty",
		`watch.patterns: entry 1 "[": syntax error in pattern`,
		`watch.patterns: entry 2 "": is empty`,
		`watch.ignore: entry 1 "a/[b": syntax error in pattern`,
		"watch.debounce: must be >= 0, got -1ms",
		"watch.poll_interval: must be >= 10ms, got 1ms",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 6 {
		t.Errorf("got %d problems, want 6:\n%v", n, err)
	}
	if strings.Join(c.Dirs, ",") != before {
		t.Error("Validate modified the config")
	}

	empty := Config{PollInterval: time.Second}
	err = empty.Validate()
	for _, want := range []string{"watch.dirs: must list at least one", "watch.patterns: must list at least one"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("empty config: error %v lacks %q", err, want)
		}
	}
}
