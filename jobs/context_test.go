package jobs

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
)

// appendContext decodes to the same values encoding/json would give, and
// matches the byte layout of RoadRunner's captured context.
func TestAppendContext(t *testing.T) {
	j := &Job{ID: "f4655f59-991c-4804-bbe6-e28ecbc71497", Name: "mail", Pipeline: "p1",
		Headers: map[string][]string{"x-mode": {"ack"}, "h1": {"v1"}}}
	got := string(appendContext(nil, j, "memory"))
	want := `{"id":"f4655f59-991c-4804-bbe6-e28ecbc71497","job":"mail","driver":"memory","headers":{"h1":["v1"],"x-mode":["ack"]},"pipeline":"p1"}`
	if got != want {
		t.Fatalf("context\n got %s\nwant %s", got, want)
	}
	for _, s := range []string{"", "plain", "quote\" back\\slash", "ctl\x00\x01\x1f\n\r\t", "ünïcødé ✓", "bad\xffutf8\xc3", "sep\u2028\u2029", "<html>&"} {
		j := &Job{ID: s, Name: s, Pipeline: s, Headers: map[string][]string{s: {s, s}, "b": nil}}
		var ctx jobContext
		if err := json.Unmarshal(appendContext(nil, j, s), &ctx); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		std, _ := json.Marshal(s)
		var want string
		_ = json.Unmarshal(std, &want)
		if ctx.ID != want || ctx.Job != want || ctx.Driver != want || ctx.Pipeline != want ||
			!slices.Equal(ctx.Headers[want], []string{want, want}) || !slices.Equal(slices.Sorted(maps.Keys(ctx.Headers)), slices.Sorted(maps.Keys(map[string]int{want: 0, "b": 0}))) {
			t.Fatalf("%q decoded as %+v, want %q everywhere", s, ctx, want)
		}
	}
}

func BenchmarkAppendContext(b *testing.B) {
	j := &Job{ID: "f4655f59-991c-4804-bbe6-e28ecbc71497", Name: "mail", Pipeline: "p1", Headers: map[string][]string{"h1": {"v1"}}}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = appendContext(buf[:0], j, "memory")
	}
}
