package rpc

import (
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	for _, tc := range []struct {
		cfg  Config
		want string // "" = valid; else a substring of the error
	}{
		{Config{Listen: "tcp://127.0.0.1:6001"}, ""},
		{Config{Listen: "tcp://127.0.0.2:0"}, ""},
		{Config{Listen: "tcp://localhost:6001"}, ""},
		{Config{Listen: "tcp://[::1]:6001"}, ""},
		{Config{Listen: "unix:///tmp/rr.sock"}, ""},
		{Config{Listen: "unix://rr.sock"}, ""},
		{Config{Listen: "tcp://0.0.0.0:6001"}, "not a loopback address"},
		{Config{Listen: "tcp://:6001"}, "rpc.allow_remote: true"},
		{Config{Listen: "tcp://10.1.2.3:6001"}, "not a loopback address"},
		{Config{Listen: "tcp://example.com:6001"}, "not a loopback address"},
		{Config{Listen: "tcp://0.0.0.0:6001", AllowRemote: true}, ""},
		{Config{Listen: "tcp://example.com:6001", AllowRemote: true}, ""},
		{Config{Listen: ""}, `exactly one "://"`},
		{Config{Listen: "127.0.0.1:6001"}, `exactly one "://"`},
		{Config{Listen: "tcp://tcp://127.0.0.1:6001"}, `exactly one "://"`},
		{Config{Listen: "udp://127.0.0.1:6001"}, `unknown scheme "udp"`},
		{Config{Listen: "tcp://127.0.0.1"}, "want tcp://host:port"},
		{Config{Listen: "tcp://127.0.0.1:http"}, `port "http"`},
		{Config{Listen: "tcp://127.0.0.1:70000"}, `port "70000"`},
		{Config{Listen: "unix://"}, "empty socket path"},
	} {
		err := tc.cfg.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: unexpected error %v", tc.cfg, err)
		case tc.want != "" && err == nil:
			t.Errorf("%+v: no error, want %q", tc.cfg, tc.want)
		case tc.want != "" && (!strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "rpc.listen: ")):
			t.Errorf("%+v: error %q, want rpc.listen: …%s…", tc.cfg, err, tc.want)
		}
	}
}
