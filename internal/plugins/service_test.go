package plugins

import (
	"testing"
	"time"

	"github.com/phprun/phprun/service"
)

// TestServiceSetAndStopBound: dev.services join the service section only
// under `phprun dev`, and a stop may take the longest timeout_stop_sec
// (at least the default) plus the slack.
func TestServiceSetAndStopBound(t *testing.T) {
	section := service.Services{"queue": {Command: "php queue.php", TimeoutStopSec: 12}}
	devOnly := service.Services{"vite": {Command: "npm run dev", TimeoutStopSec: 1}}
	if got := ServiceSet(section, devOnly, false); len(got) != 1 || got["queue"].Command == "" {
		t.Errorf("serve: %v", got)
	}
	set := ServiceSet(section, devOnly, true)
	if len(set) != 2 || set["vite"].Command != "npm run dev" {
		t.Errorf("dev: %v", set)
	}
	if got, want := ServicesStopBound(service.New(set, service.Options{}), 2*time.Second), 14*time.Second; got != want {
		t.Errorf("stop bound = %v, want %v", got, want)
	}
	short := service.Services{"vite": devOnly["vite"]}
	if got, want := ServicesStopBound(service.New(short, service.Options{}), time.Second), time.Duration(service.DefaultTimeoutStopSec)*time.Second+time.Second; got != want {
		t.Errorf("stop bound with a short timeout_stop_sec = %v, want %v", got, want)
	}
}
