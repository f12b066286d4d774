//go:build unix

package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
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

// TestMetricsConfig: summary objectives survive the loader (which splits
// keys on dots), and a bad collector is reported with its line.
func TestMetricsConfig(t *testing.T) {
	yaml := `version: "3"
server:
  command: php worker.php
http:
  address: 127.0.0.1:8080
metrics:
  address: 127.0.0.1:2112
  collect:
    lat:
      type: summary
      objectives: {0.5: 0.05, 0.99: 0.001}
`
	lc, err := loadConfig(loadOptions{Dir: project(t, map[string]string{"phprun.yaml": yaml})})
	if err != nil {
		t.Fatal(err)
	}
	q, err := lc.Config.Metrics.Collect["lat"].Quantiles()
	if err != nil || len(q) != 2 || q[0.5] != 0.05 || q[0.99] != 0.001 {
		t.Fatalf("objectives = %v, %v", q, err)
	}
	bad := `version: "3"
server:
  command: php worker.php
http:
  address: 127.0.0.1:8080
metrics:
  address: nohost
  collect:
    lat:
      type: meter
`
	_, err = loadConfig(loadOptions{Dir: project(t, map[string]string{"phprun.yaml": bad})})
	for _, want := range []string{
		`phprun.yaml:7:3: metrics.address: want host:port, got "nohost"`,
		"phprun.yaml:9:5: metrics.collect.lat: invalid metric type `meter` for `lat`",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\nwant %q", err, want)
		}
	}
}
