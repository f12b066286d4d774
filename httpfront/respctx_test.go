package httpfront

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseResponseContext(t *testing.T) {
	for _, tc := range []struct {
		in     string
		status int
		fields []headerField
		bad    bool
	}{
		{in: `{"status":200,"headers":{}}`, status: 200},
		{in: ` { "headers" : [ ] , "status" : 204 } `, status: 204},
		{in: `{"status":201,"headers":null}`, status: 201},
		{in: `{"status":200,"headers":{"content-type":["text/plain"],"X-A":["1","2"]}}`, status: 200,
			fields: []headerField{{"Content-Type", []string{"text/plain"}}, {"X-A", []string{"1", "2"}}}},
		{in: `{"status":200,"headers":{"X-Single":"v","X-Num":[1,true],"X-Null":null,"X-Empty":[]}}`, status: 200,
			fields: []headerField{{"X-Single", []string{"v"}}, {"X-Num", []string{"1", "true"}}}},
		{in: `{"status":200,"headers":{"X-Esc":["a\"b\\c\u00e9\ud83d\ude00\/"]},"extra":{"n":[1,{"x":null}]}}`, status: 200,
			fields: []headerField{{"X-Esc", []string{"a\"b\\cé😀/"}}}},
		{in: `{"status":999,"headers":{}}`, status: 999},
		{in: `{"status":-5}`, status: -5},
		{in: ``, bad: true},
		{in: `{`, bad: true},
		{in: `{"status":200,"headers":`, bad: true},
		{in: `{"headers":{}}`, bad: true},
		{in: `{"status":"200"}`, bad: true},
		{in: `{"status":2.5}`, bad: true},
		{in: `{"status":12345678901}`, bad: true},
		{in: `{"status":200} x`, bad: true},
		{in: `{"status":200,"headers":{"A":[{}]}}`, bad: true},
		{in: `[200]`, bad: true},
		{in: "{\"status\":200,\"headers\":{\"A\":[\"a\x01\"]}}", bad: true},
	} {
		var rc respContext
		err := parseResponseContext([]byte(tc.in), &rc)
		if tc.bad {
			if !errors.Is(err, errBadContext) {
				t.Errorf("%q: err = %v, want errBadContext", tc.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if rc.status != tc.status || (len(rc.fields) > 0 || len(tc.fields) > 0) && !reflect.DeepEqual(rc.fields, tc.fields) {
			t.Errorf("%q: got %d %q, want %d %q", tc.in, rc.status, rc.fields, tc.status, tc.fields)
		}
	}
}

// TestParseResponseContextAllocs pins the hello-world cost: the value
// string and its one-element slice.
func TestParseResponseContextAllocs(t *testing.T) {
	ctx := []byte(`{"status":200,"headers":{"Content-Type":["text/plain; charset=utf-8"]}}`)
	var rc respContext
	n := testing.AllocsPerRun(100, func() {
		if err := parseResponseContext(ctx, &rc); err != nil {
			t.Fatal(err)
		}
	})
	if n > 2 {
		t.Errorf("allocs = %v, want ≤ 2", n)
	}
}

func FuzzParseResponseContext(f *testing.F) {
	f.Add([]byte(`{"status":200,"headers":{"A":["b"]}}`))
	f.Add([]byte(`{"status":200,"headers":{"A":"\ud800"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var rc respContext
		_ = parseResponseContext(b, &rc)
	})
}

func BenchmarkParseResponseContext(b *testing.B) {
	ctx := []byte(`{"status":200,"headers":{"Content-Type":["text/plain; charset=utf-8"]}}`)
	var rc respContext
	b.ReportAllocs()
	for b.Loop() {
		_ = parseResponseContext(ctx, &rc)
	}
}
