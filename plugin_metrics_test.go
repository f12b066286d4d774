//go:build unix

package main

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/rogpeppe/go-internal/testscript"
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
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(args[0])
	ts.Check(err)
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	ts.Check(err)
	name, want := parseSelector(ts, args[1])
	got, found := sampleValue(fams[name], want)
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

func sampleValue(f *dto.MetricFamily, want map[string]string) (float64, bool) {
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Summary != nil:
			return float64(m.Summary.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}
