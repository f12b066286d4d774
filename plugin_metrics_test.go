//go:build unix

package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

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
// A comparison that fails is retried for up to 10 s, for figures that
// settle after the request that causes them (a job's outcome).
func cmdPromcheck(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 4 && !(neg && len(args) == 2) {
		ts.Fatalf("usage: promcheck URL 'name{label=\"v\"}' (==|>=|>) NUMBER")
	}
	name, want := parseSelector(ts, args[1])
	deadline := time.Now().Add(10 * time.Second)
	for {
		fams, _, err := promtest.Scrape(args[0])
		ts.Check(err)
		got, found := promtest.Value(fams[name], want)
		if neg {
			if found {
				ts.Fatalf("%s is exposed (value %v)", args[1], got)
			}
			return
		}
		msg := fmt.Sprintf("no sample %s on %s", args[1], args[0])
		if found {
			n, err := strconv.ParseFloat(args[3], 64)
			ts.Check(err)
			ok := map[string]bool{"==": got == n, ">=": got >= n, ">": got > n}
			v, known := ok[args[2]]
			if !known {
				ts.Fatalf("unknown comparison %q", args[2])
			}
			if v {
				ts.Logf("%s = %v", args[1], got)
				return
			}
			msg = fmt.Sprintf("%s = %v, want %s %v", args[1], got, args[2], n)
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s", msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
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
