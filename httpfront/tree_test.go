package httpfront

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestFetchIndexes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"a", []string{"a"}},
		{"a[]", []string{"a", ""}},
		{"a[b]", []string{"a", "b"}},
		{"a[b][c]", []string{"a", "b", "c"}},
		{"a[b][]", []string{"a", "b", ""}},
		{" a [ b ] ", []string{"a", "b"}},
		{"a[]x", []string{"a", "", "x"}},
		{"[x]", []string{"", "x"}},
		{"", []string{""}},
		{"a]b", []string{"a", "b"}},
	} {
		if got := fetchIndexes(tc.in, nil); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("fetchIndexes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestURLEncodedTree(t *testing.T) {
	for _, tc := range []struct {
		body, want string
		err        error
	}{
		{"", `{}`, nil},
		{"a=1", `{"a":"1"}`, nil},
		{"a=1&a=2", `{"a":"2"}`, nil},
		{"a[]=1&a[]=2", `{"a":["1","2"]}`, nil},
		{"a[b]=1&a[c]=2", `{"a":{"b":"1","c":"2"}}`, nil},
		{"a[b][c]=x&a[b][d]=y", `{"a":{"b":{"c":"x","d":"y"}}}`, nil},
		{"a[b][]=1&a[b][]=2&z=9", `{"a":{"b":["1","2"]},"z":"9"}`, nil},
		{"first+name=J%C3%B6rg&x=a+b", `{"firstname":"Jörg","x":"a b"}`, nil},
		{"a=&a[b]=1", `{"a":{"b":"1"}}`, nil}, // an empty scalar yields to a nested key
		{"a[b]=1&a=", `{"a":{"b":"1"}}`, nil}, // ... in either order
		{"a=1&a[b]=2", "", errTreeConflict},   // a scalar and a nested key
		{"a[b]=2&a=1", "", errTreeConflict},   // ... in either order
		{"a[]=1&a[b]=2", "", errTreeConflict}, // a list and a nested key
		{"a[b]=1&a[]=2", "", errTreeConflict},
		{"k", `{"k":""}`, nil},
		{"&&a=1&&", `{"a":"1"}`, nil},
		{"a=%zz", "", errBadForm},
		{"a=1;b=2", "", errBadForm},
		{"q=%22%5C%0A", `{"q":"\"\\\n"}`, nil},
		{"bad=%ff", `{"bad":"\ufffd"}`, nil},
	} {
		tr, err := parseURLEncoded(tc.body)
		if tc.err != nil {
			if !errors.Is(err, tc.err) && !errors.Is(err, errBadForm) {
				t.Errorf("%q: err = %v, want %v", tc.body, err, tc.err)
			}
			if err == nil {
				t.Errorf("%q: no error, want %v", tc.body, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.body, err)
			continue
		}
		if got := string(tr.appendJSON(nil)); got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.body, got, tc.want)
		}
	}
}

func TestTreeDepthLimit(t *testing.T) {
	deep := "a" + strings.Repeat("[x]", maxTreeDepth) + "=1&b=2" // 128 keys: dropped
	tr, err := parseURLEncoded(deep)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(tr.appendJSON(nil)); got != `{"b":"2"}` {
		t.Errorf("got %s", got)
	}
	ok := "a" + strings.Repeat("[x]", maxTreeDepth-1) + "=1" // 127 keys: kept
	tr, err = parseURLEncoded(ok)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(tr.appendJSON(nil)) || len(tr.keys) == 0 {
		t.Error("127 levels should be kept")
	}
}

// FuzzURLEncodedTree checks that any body either fails with errBadForm or
// maps to valid JSON whose top-level keys come from the body; it must
// never panic (no recover here).
func FuzzURLEncodedTree(f *testing.F) {
	for _, s := range []string{"a=1", "a[]=1&a[]=2", "a[b][c]=1&a=2", "a=&a[b]=1", "[]=1", "a[[]]]=1", "%5B%5D=x", "a[]x[]=1&a[]=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		tr, err := parseURLEncoded(body)
		if err != nil {
			if !errors.Is(err, errBadForm) {
				t.Fatalf("error not marked bad form: %v", err)
			}
			return
		}
		out := tr.appendJSON(nil)
		var v map[string]any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("invalid JSON %q for %q: %v", out, body, err)
		}
	})
}
