//go:build unix

package main

import (
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/phprun/phprun/metrics/promtest"
)

// cmdPromcheck is the script command
//
//	promcheck URL 'name{label="value",...}' OP NUMBER
//
// It scrapes URL, parses the page with client_golang's text parser, finds
// the sample of that family whose labels include the given ones, and
// compares its value (counters, gauges; the count for histograms and
// summaries) with OP: ==, >=, >. With ! it expects no such sample.
func cmdPromcheck(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 4 && !(neg && len(args) == 2) {
		ts.Fatalf("usage: promcheck URL 'name{label=\"v\"}' (==|>=|>) NUMBER")
	}
	fams, _, err := promtest.Scrape(args[0])
	ts.Check(err)
	name, want := parseSelector(ts, args[1])
	got, found := promtest.Value(fams[name], want)
	if neg {
		if found {
			ts.Fatalf("%s is exposed (value %v)", args[1], got)
		}
		return
	}
	if !found {
		ts.Fatalf("no sample %s on %s", args[1], args[0])
	}
	n, err := strconv.ParseFloat(args[3], 64)
	ts.Check(err)
	ok := map[string]bool{"==": got == n, ">=": got >= n, ">": got > n}
	if v, known := ok[args[2]]; !known || !v {
		ts.Fatalf("%s = %v, want %s %v", args[1], got, args[2], n)
	}
	ts.Logf("%s = %v", args[1], got)
}

func parseSelector(ts *testscript.TestScript, s string) (string, map[string]string) {
	name, rest, _ := strings.Cut(s, "{")
	labels := map[string]string{}
	rest = strings.TrimSuffix(rest, "}")
	for _, kv := range strings.Split(rest, ",") {
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			ts.Fatalf("bad label matcher %q", kv)
		}
		labels[k] = strings.Trim(v, `"`)
	}
	return name, labels
}
