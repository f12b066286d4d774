package tui

import (
	"testing"
	"time"
)

func TestRateMeter(t *testing.T) {
	var r rateMeter
	if r.perSecond(t0, 10*time.Second) != 0 {
		t.Fatal("rate before any sample")
	}
	// 100 requests a second for 20 s, sampled every 250 ms
	total := uint64(1000)
	for i := 0; i <= 80; i++ {
		r.observe(t0.Add(time.Duration(i)*250*time.Millisecond), total)
		total += 25
	}
	now := t0.Add(20 * time.Second)
	if got := r.perSecond(now, 10*time.Second); got < 95 || got > 105 {
		t.Fatalf("rate %.1f, want about 100", got)
	}
	s := r.series(now, 5)
	for i, v := range s {
		if v != 100 {
			t.Fatalf("series[%d] = %v, want 100 (%v)", i, v, s)
		}
	}
	// a counter that goes backwards (pools rebuilt) counts nothing
	r.observe(now.Add(time.Second), 5)
	r.observe(now.Add(2*time.Second), 15)
	if s := r.series(now.Add(3*time.Second), 2); s[0] != 0 || s[1] != 10 {
		t.Fatalf("after reset: %v", s)
	}
	// old buckets are not counted again after wrapping around
	if got := r.perSecond(now.Add(rateSeconds*time.Second+2*time.Second), 10*time.Second); got != 0 {
		t.Fatalf("stale buckets counted: %.1f", got)
	}
}

func TestRateMeterShortHistory(t *testing.T) {
	// 20 requests a second for 3 s: the rate is not diluted by the 10 s window
	var r rateMeter
	for i := 0; i <= 12; i++ {
		r.observe(t0.Add(time.Duration(i)*250*time.Millisecond), uint64(i*5))
	}
	if got := r.perSecond(t0.Add(3*time.Second), 10*time.Second); got < 17 || got > 21 {
		t.Fatalf("rate over 3 s of history = %.1f, want about 20", got)
	}
}

func TestPercentiles(t *testing.T) {
	var l latencySamples
	if _, ok := l.percentiles(t0, time.Second, 0.5); ok {
		t.Fatal("percentiles of nothing")
	}
	for i := 1; i <= 100; i++ {
		l.add(t0.Add(-time.Duration(i)*time.Millisecond), time.Duration(i)*time.Millisecond)
	}
	l.add(t0.Add(-time.Minute), time.Hour) // outside the window
	ps, ok := l.percentiles(t0, 10*time.Second, 0.5, 0.99, 1)
	if !ok || ps[0] != 50*time.Millisecond || ps[1] != 99*time.Millisecond || ps[2] != 100*time.Millisecond {
		t.Fatalf("percentiles %v", ps)
	}
	// the ring keeps the newest samples only
	for i := range maxLatencySamples {
		l.add(t0, time.Duration(i%2+1)*time.Second)
	}
	if ps, _ := l.percentiles(t0, time.Second, 1); ps[0] != 2*time.Second {
		t.Fatalf("max after wrap %v", ps)
	}
}

func TestSparkline(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want string
	}{
		{nil, ""},
		{[]float64{0, 0, 0}, "▁▁▁"},
		{[]float64{0, 1, 7}, "▁▂█"},
		{[]float64{1, 100}, "▂█"}, // any traffic shows
		{[]float64{7, 7}, "██"},
	} {
		if got := sparkline(tc.in); got != tc.want {
			t.Errorf("sparkline(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{fmtDuration(850 * time.Microsecond), "850µs"},
		{fmtDuration(2500 * time.Microsecond), "2.5ms"},
		{fmtDuration(120 * time.Millisecond), "120ms"},
		{fmtDuration(1500 * time.Millisecond), "1.50s"},
		{fmtDuration(185 * time.Second), "3m05s"},
		{fmtAge(42 * time.Second), "42s"},
		{fmtAge(3*time.Hour + 4*time.Minute), "3h04m"},
		{fmtAge(53 * time.Hour), "2d05h"},
		{fmtBytes(512 << 10), "512K"},
		{fmtBytes(34<<20 + 200<<10), "34.2M"},
		{fmtBytes(3 << 30), "3.00G"},
		{oneLine("a\tb\x1b[31mred\x1b[0m\x07"), "a bred"},
		{fit("abcdef", 4), "abc…"},
		{fit("ab", 4), "ab  "},
		{fitLeft("ab", 4), "  ab"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
