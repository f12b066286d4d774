package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/phprun/phprun/internal/fielderr"
)

// TestValidateErrorsAreKeyed breaks one key of every section and checks
// that each problem Validate reports is a *fielderr.Error whose key is a
// real key of the file: the loader relies on that (and not on the text) to
// say where a value was set, so a section returning plain errors would
// lose its file:line.
func TestValidateErrorsAreKeyed(t *testing.T) {
	c := Default() // no server.command and no http.address: two problems already
	c.HTTP.Pool.NumWorkers = 501
	c.HTTP.TrustedSubnets = []string{"nope"} // an unknown middleware is a warning now (RoadRunner)
	c.RPC.Listen = "tcp://10.1.2.3:6001"
	c.Status.UnavailableStatusCode = 200
	c.Logs.Level = "loud"
	c.Watch.Debounce = -1
	c.Dev.Workers = -1
	schema := buildSchema(reflect.TypeOf(Config{}))
	want := []string{"server.command", "http.pool.num_workers", "http.address", "http.trusted_subnets",
		"rpc.listen", "status.unavailable_status_code", "logs.level", "watch.debounce", "dev.workers"}
	got := map[string]bool{}
	for _, e := range fielderr.Leaves(c.Validate()) {
		var fe *fielderr.Error
		if !errors.As(e, &fe) {
			t.Errorf("%q is not a *fielderr.Error", e)
			continue
		}
		key, _, _ := strings.Cut(fe.Key, "[")
		if lookupSchema(schema, key) == nil {
			t.Errorf("%q: key %s is not a key of the configuration", e, key)
		}
		if !strings.HasPrefix(e.Error(), fe.Key+": ") {
			t.Errorf("%q does not start with its key %s", e, fe.Key)
		}
		got[key] = true
	}
	for _, k := range want {
		if !got[k] {
			t.Errorf("no problem reported for %s", k)
		}
	}
}

// TestErrorUnder checks that problems keep their keys, from type
// conversion and from Validate alike: `phprun workers` reports only the
// rpc ones.
func TestErrorUnder(t *testing.T) {
	dir := project(t, map[string]string{"phprun.yaml": "version: \"3\"\nrpc:\n  listen: tcp://10.0.0.1:6001\n  allow_remote: maybe\nlogs:\n  level: loud\n"})
	_, err := Load(Options{Dir: dir})
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v, want *Error", err)
	}
	got := ce.Under("rpc")
	if len(got) != 2 || !strings.Contains(got[0]+got[1], "rpc.allow_remote: expected true or false") ||
		!strings.Contains(got[0]+got[1], "rpc.listen: \"tcp://10.0.0.1:6001\" is not a loopback address") {
		t.Errorf("Under(rpc) = %q, want the allow_remote and listen problems", got)
	}
	if len(ce.Problems) < 4 { // + server.command, http.address, logs.level
		t.Errorf("all problems = %q, want the others too", ce.Problems)
	}
	if got := ce.Under("rp"); got != nil {
		t.Errorf("Under(rp) = %q, want none (a prefix of a key is not a section)", got)
	}
}
