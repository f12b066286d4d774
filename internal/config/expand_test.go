package config

import (
	"strings"
	"testing"
)

func TestExpandEnv(t *testing.T) {
	env := map[string]string{"A": "x", "EMPTY": "", "H": "10.0.0.1", "P": "6001"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	tests := []struct {
		in, want string
		err      string
	}{
		{in: "plain", want: "plain"},
		{in: "${A}", want: "x"},
		{in: "$A/b", want: "x/b"},
		{in: "${A}b", want: "xb"},
		{in: "$Ab", want: ""}, // $Ab is the variable "Ab"
		{in: "${UNSET}", want: ""},
		{in: "$UNSET-x", want: "-x"},
		{in: "${UNSET:-d}", want: "d"},
		{in: "${EMPTY:-d}", want: "d"}, // :- also replaces an empty value
		{in: "${EMPTY}", want: ""},
		{in: "${A:-d}", want: "x"},
		{in: "${UNSET:-}", want: ""},
		{in: "${UNSET:-a:-b}", want: "a:-b"},
		{in: "${UNSET:-${A}}", want: "x"},
		{in: "${UNSET:-${NOPE:-deep}}", want: "deep"},
		{in: "${UNSET:-a}b}", want: "ab}"},
		{in: "${UNSET:-tcp://127.0.0.1:6001}", want: "tcp://127.0.0.1:6001"},
		// RoadRunner empties this whole value (a ":-" next to a plain $P);
		// phprun expands each reference on its own.
		{in: "tcp://${H:-127.0.0.1}:$P", want: "tcp://10.0.0.1:6001"},
		{in: "tcp://${NOH:-127.0.0.1}:${NOP:-6001}", want: "tcp://127.0.0.1:6001"},
		{in: "5$", want: "5$"},
		{in: "$1 and $ and $-", want: "$1 and $ and $-"},
		{in: "${A", err: "unterminated"},
		{in: "${1A}", err: "not a variable name"},
		{in: "${}", err: "not a variable name"},
		{in: "${A-d}", err: "not a variable name"},
	}
	for _, tt := range tests {
		got, err := expandEnv(tt.in, lookup)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("expandEnv(%q) error = %v, want one containing %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("expandEnv(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	keys := buildSchemaKeys()
	for in, want := range map[string]string{
		"http.adress":            "http.address",
		"http.pool.num_worker":   "http.pool.num_workers",
		"server.comand":          "server.command",
		"htp":                    "http",
		"completely.unrelated.x": "",
	} {
		if got := suggest(in, keys); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
