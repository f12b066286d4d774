package service

import (
	"errors"
	"testing"
	"time"

	"github.com/phprun/phprun/internal/fielderr"
)

func TestNormalizedTakesRoadRunnerDefaults(t *testing.T) {
	c := Config{Command: "x"}.Normalized()
	if c.ProcessNum != 1 || c.RestartSec != 30 || c.TimeoutStopSec != 5 {
		t.Fatalf("defaults: %+v", c)
	}
	c = Config{Command: "x", ProcessNum: -3, RestartSec: 2, TimeoutStopSec: 9}.Normalized()
	if c.ProcessNum != 1 || c.RestartSec != 2 || c.TimeoutStopSec != 9 {
		t.Fatalf("kept values: %+v", c)
	}
}

func TestValidateNamesEveryBadKey(t *testing.T) {
	err := Services{
		"ok":    {Command: "php a.php"},
		"empty": {Command: "  "},
		"neg":   {Command: "x", ExecTimeout: -time.Second},
		"who":   {Command: "x", User: "no-such-user-phprun"},
		"a.b":   {Command: "x"},
	}.ValidateAs("dev.services")
	want := map[string]error{
		"dev.services.empty.command":    ErrNoCommand,
		"dev.services.neg.exec_timeout": ErrNegative,
		"dev.services.who.user":         ErrUnknownUser,
		"dev.services.a.b":              ErrBadName,
	}
	var list interface{ Unwrap() []error }
	if !errors.As(err, &list) {
		t.Fatalf("want joined errors, got %v", err)
	}
	got := map[string]error{}
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var fe *fielderr.Error
		if !errors.As(e, &fe) {
			t.Errorf("not a fielderr.Error: %v", e)
			return
		}
		got[fe.Key] = fe.Err
	}
	walk(err)
	if len(got) != len(want) {
		t.Fatalf("got %v, want keys %v", got, want)
	}
	for k, w := range want {
		if !errors.Is(got[k], w) {
			t.Errorf("%s: got %v, want %v", k, got[k], w)
		}
	}
	if err := (Services{"a": {Command: "sleep 1"}}).Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
}

func TestRestartDelayBacksOffAndCaps(t *testing.T) {
	for _, c := range []struct {
		sec     uint64
		crashes int
		want    time.Duration
	}{
		{1, 0, time.Second}, {1, 1, time.Second}, {1, 2, 2 * time.Second}, {1, 4, 8 * time.Second},
		{1, 30, maxBackoff}, {30, 1, 30 * time.Second}, {30, 3, 2 * time.Minute},
		{600, 5, 10 * time.Minute},
	} {
		if got := restartDelay(c.sec, c.crashes); got != c.want {
			t.Errorf("restartDelay(%d, %d) = %s, want %s", c.sec, c.crashes, got, c.want)
		}
	}
}
