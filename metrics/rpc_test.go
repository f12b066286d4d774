package metrics_test

import (
	"bytes"
	"encoding/json"
	"net"
	"testing"

	"github.com/phprun/phprun/engine/wire"
	"github.com/phprun/phprun/metrics"
)

// jsonConn speaks goridge RPC with the JSON codec, as PHP's client does.
type jsonConn struct {
	t   testing.TB
	c   net.Conn
	rd  *wire.Reader
	seq uint32
}

func dialJSON(t testing.TB, addr string) *jsonConn {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &jsonConn{t: t, c: c, rd: wire.NewReader(c, 4096, 1<<20)}
}

// call sends arg as JSON; it returns the reply body and the error text of
// an error reply ("" on success).
func (c *jsonConn) call(method string, arg any) (string, string) {
	b, err := json.Marshal(arg)
	if err != nil {
		c.t.Fatal(err)
	}
	c.seq++
	frame, err := wire.AppendFrame(nil, wire.CodecJSON, 0, []uint32{c.seq, uint32(len(method))}, []byte(method), b)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.c.Write(frame); err != nil {
		c.t.Fatal(err)
	}
	var f wire.Frame
	if err := c.rd.ReadFrame(&f); err != nil {
		c.t.Fatal(err)
	}
	o := f.Opts()
	body := string(bytes.Clone(f.Payload[o[1]:]))
	if f.Flags&wire.Error != 0 {
		return "", body
	}
	return body, ""
}

func TestRPC(t *testing.T) {
	p, addr := startPlugin(t, metrics.Config{Collect: map[string]metrics.Collector{
		"from_config": {Type: "gauge", Help: "Declared in config", Labels: []string{"kind"}},
	}})
	c := dialJSON(t, addr)
	ok := func(method string, arg any) {
		t.Helper()
		if body, e := c.call(method, arg); e != "" || body != "true" {
			t.Fatalf("%s %v: reply %q, error %q", method, arg, body, e)
		}
	}
	decl := func(name, typ string, labels []string, extra map[string]any) map[string]any {
		col := map[string]any{"namespace": "", "subsystem": "", "type": typ, "help": "H " + name, "labels": labels, "buckets": []float64{}}
		for k, v := range extra {
			col[k] = v
		}
		return map[string]any{"name": name, "collector": col}
	}
	// the body the official client sends (PROTOCOL-PLUGINS.md 6.1)
	if body, e := c.call("metrics.Declare", json.RawMessage(`{"name":"orders","collector":{"namespace":"","subsystem":"","type":"counter","help":"Orders","labels":["type"],"buckets":[]}}`)); e != "" || body != "true" {
		t.Fatalf("Declare: %q %q", body, e)
	}
	ok("metrics.Add", json.RawMessage(`{"name":"orders","value":2.5,"labels":["web"]}`))
	ok("metrics.Declare", decl("temp", "gauge", nil, nil))
	ok("metrics.Set", map[string]any{"name": "temp", "value": 10})
	ok("metrics.Sub", map[string]any{"name": "temp", "value": 3})
	ok("metrics.Add", map[string]any{"name": "temp", "value": 0.5})
	ok("metrics.Declare", map[string]any{"name": "lat", "collector": map[string]any{"type": "histogram", "buckets": []float64{0.1, 0.5, 1}}})
	ok("metrics.Observe", map[string]any{"name": "lat", "value": 0.3})
	ok("metrics.Declare", decl("sum", "summary", []string{"r"}, map[string]any{"objectives": map[string]float64{"0.5": 0.05}}))
	ok("metrics.Observe", map[string]any{"name": "sum", "value": 2, "labels": []string{"x"}})
	ok("metrics.Declare", decl("hits", "counter", nil, map[string]any{"namespace": "app", "subsystem": "web"}))
	ok("metrics.Add", map[string]any{"name": "hits", "value": 1})
	ok("metrics.Declare", decl("bad name!", "counter", nil, nil))
	ok("metrics.Add", map[string]any{"name": "bad name!", "value": 4})
	ok("metrics.Set", map[string]any{"name": "from_config", "value": 7, "labels": []string{"a"}})
	// declaring the same shape again is a no-op; the value stays
	ok("metrics.Declare", decl("temp", "gauge", nil, nil))

	for _, tt := range []struct {
		method string
		arg    any
		want   string
	}{
		{"metrics.Declare", decl("", "counter", nil, nil), `is invalid: "" is not a valid metric name`},
		{"metrics.Declare", decl("x1", "counter", []string{"__r"}, nil), `is not a valid label name for metric "x1"`},
		{"metrics.Declare", decl("x2", "counter", []string{"a", "a"}, nil), `duplicate label names in constant and variable labels for metric "x2"`},
		{"metrics.Declare", decl("x3", "meter", nil, nil), "metrics_plugin_declare: invalid metric type `meter` for `x3`"},
		{"metrics.Declare", decl("temp", "counter", nil, nil), "metrics_plugin_declare: collector `temp` is already declared as a gauge; cannot declare it as a counter"},
		{"metrics.Add", map[string]any{"name": "nope", "value": 1}, "metrics_plugin_add: undefined collector nope, try first Declare the desired collector"},
		{"metrics.Sub", map[string]any{"name": "orders", "value": 1, "labels": []string{"web"}}, "metrics_plugin_sub: collector `orders` does not support method `Sub`"},
		{"metrics.Set", map[string]any{"name": "lat", "value": 1}, "metrics_plugin_set: collector `lat` does not support method `Set`"},
		{"metrics.Observe", map[string]any{"name": "temp", "value": 1}, "metrics_plugin_observe: collector `temp` does not support method `Observe`"},
		{"metrics.Add", map[string]any{"name": "orders", "value": 1}, "metrics_plugin_add: required labels for collector `orders`"},
		{"metrics.Add", map[string]any{"name": "orders", "value": 1, "labels": []string{"a", "b"}}, "inconsistent label cardinality"},
		{"metrics.Add", map[string]any{"name": "orders", "value": -1, "labels": []string{"a"}}, "a counter cannot decrease"},
		{"metrics.Unregister", "ghost", "metrics_plugin_unregister: undefined collector ghost"},
	} {
		if _, e := c.call(tt.method, tt.arg); !contains(e, tt.want) {
			t.Errorf("%s %v: error %q, want %q", tt.method, tt.arg, e, tt.want)
		}
	}
	// nothing was registered by the failed declarations
	for _, n := range []string{"x1", "x2", "x3"} {
		if _, e := c.call("metrics.Add", map[string]any{"name": n, "value": 1}); !contains(e, "undefined collector") {
			t.Errorf("%s was registered by a failed Declare: %q", n, e)
		}
	}

	fams, hdr := scrape(t, p.Addr())
	if ct := hdr.Get("Content-Type"); !contains(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	for _, v := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"orders", []string{"type", "web"}, 2.5},
		{"temp", nil, 7.5},
		{"lat", nil, 1},
		{"sum", []string{"r", "x"}, 1},
		{"app_web_hits", nil, 1},
		{"bad_name_", nil, 4},
		{"from_config", []string{"kind", "a"}, 7},
	} {
		got, found := value(t, fams, v.name, v.labels...)
		if !found || got != v.want {
			t.Errorf("%s%v = %v (found %v), want %v", v.name, v.labels, got, found, v.want)
		}
	}
	if got := fams["from_config"].GetHelp(); got != "Declared in config" {
		t.Errorf("HELP of from_config = %q", got)
	}
	for _, n := range []string{"go_goroutines", "process_resident_memory_bytes", "promhttp_metric_handler_requests_total"} {
		if _, ok := fams[n]; !ok {
			t.Errorf("%s missing from /metrics", n)
		}
	}
	if q := fams["sum"].GetMetric()[0].GetSummary().GetQuantile(); len(q) != 1 || q[0].GetQuantile() != 0.5 {
		t.Errorf("summary quantiles = %v, want 0.5", q)
	}

	ok("metrics.Unregister", "temp")
	fams, _ = scrape(t, p.Addr())
	if _, found := fams["temp"]; found {
		t.Error("temp still exposed after Unregister")
	}
	// a name freed by Unregister can be declared again with another type
	ok("metrics.Declare", decl("temp", "counter", nil, nil))
}
