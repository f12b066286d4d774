package engine

import (
	"strings"
	"testing"
)

func TestValidateRelay(t *testing.T) {
	for _, tc := range []struct {
		relay string
		want  string // "" = valid
	}{
		{"pipes", ""},
		{"tcp://127.0.0.1:6002", ""},
		{"TCP://localhost:6002", ""},
		{"unix:///run/rr.sock", ""},
		{"unix://rr.sock", ""},
		{"tcp://:6002", "empty host"},
		{"tcp://[::1]:6002", "IPv6"},
		{"tcp://127.0.0.1", "HOST:PORT"},
		{"tcp://127.0.0.1:0", "1 to 65535"},
		{"tcp://127.0.0.1:http", "1 to 65535"},
		{"unix://c:/x.sock", "no ':'"},
		{"unix://", "unix://PATH"},
		{"pipe", "want pipes"},
		{"udp://127.0.0.1:1", "unknown relay"},
		{"", "want pipes"},
	} {
		err := ValidateRelay(tc.relay)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: unexpected error %v", tc.relay, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: got %v, want an error mentioning %q", tc.relay, err, tc.want)
		}
	}
}

func TestValidateJoinsEveryProblem(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Pool.NumWorkers = 0
	cfg.Pool.AllocateTimeout = 0
	cfg.Server.Relay = "tcp://:1"
	before := cfg
	err := cfg.Validate()
	for _, want := range []string{"server.command", "num_workers", "allocate_timeout", "server.relay"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v lacks %q", err, want)
		}
	}
	if cfg.Pool.NumWorkers != before.Pool.NumWorkers || cfg.Pool.AllocateTimeout != before.Pool.AllocateTimeout || cfg.Server.Relay != before.Server.Relay {
		t.Error("Validate changed the config")
	}
}
