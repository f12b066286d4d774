package watch

import (
	"slices"
	"testing"
	"time"
)

func TestDebouncerQuietPeriodAndCap(t *testing.T) {
	t.Parallel()
	quiet := 100 * time.Millisecond
	d := newDebouncer(quiet)
	t0 := time.Unix(1000, 0)

	d.add(t0, "/p/a.php")
	if got := d.due(); !got.Equal(t0.Add(quiet)) {
		t.Fatalf("due = %v, want first+quiet", got.Sub(t0))
	}
	// Churn every half period keeps postponing, until the cap.
	for i := 1; i <= 30; i++ {
		d.add(t0.Add(time.Duration(i)*quiet/2), "/p/b.php")
	}
	if got, want := d.due(), t0.Add(maxLatencyFactor*quiet); !got.Equal(want) {
		t.Fatalf("due = %v after constant churn, want the cap %v", got.Sub(t0), want.Sub(t0))
	}

	b := d.take(func(p string) string { return p[3:] })
	if !slices.Equal(b.Paths, []string{"a.php", "b.php"}) || !b.At.Equal(t0) {
		t.Fatalf("take = %+v, want [a.php b.php] at the first change", b)
	}
	if !d.empty() {
		t.Fatal("pending not cleared")
	}
	later := t0.Add(time.Hour)
	d.add(later, "/p/c.php")
	if got := d.due(); !got.Equal(later.Add(quiet)) {
		t.Errorf("due after take = %v, want a fresh quiet period", got.Sub(later))
	}
}

func TestBatchMerge(t *testing.T) {
	t.Parallel()
	b := Batch{Paths: []string{"b", "d"}, At: time.Unix(1, 0)}
	b.merge(Batch{Paths: []string{"a", "b", "c"}, At: time.Unix(2, 0)})
	if !slices.Equal(b.Paths, []string{"a", "b", "c", "d"}) || !b.At.Equal(time.Unix(1, 0)) {
		t.Fatalf("merge = %+v", b)
	}
}
