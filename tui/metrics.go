package tui

import (
	"math"
	"slices"
	"strings"
	"time"
)

// rateSeconds is how many one-second buckets rateMeter keeps: enough for
// the longest sparkline and req/s window the header shows.
const rateSeconds = 120

// rateMeter turns the pools' cumulative exec counter, sampled on every
// stats tick, into requests per second. It uses the counter rather than the
// access ring because the ring may skip records under load; the counter
// never does.
type rateMeter struct {
	counts [rateSeconds]float64 // requests finished during a second, indexed by unix second mod rateSeconds
	second [rateSeconds]int64   // which unix second each bucket holds
	last   uint64               // counter at the previous sample
	start  time.Time            // first sample; zero before it
}

// observe records the cumulative counter total read at t.
func (r *rateMeter) observe(t time.Time, total uint64) {
	if r.start.IsZero() {
		r.start, r.last = t, total
		return
	}
	delta := uint64(0)
	if total > r.last { // a smaller total means the pools were rebuilt: count nothing
		delta = total - r.last
	}
	r.last = total
	s := t.Unix()
	i := s % rateSeconds
	if r.second[i] != s {
		r.second[i], r.counts[i] = s, 0
	}
	r.counts[i] += float64(delta)
}

// perSecond averages the rate over the whole seconds of window (at most
// rateSeconds) before now, or over the time since the first sample when
// that is shorter. The current, unfinished second is left out so the
// figure does not dip at every second boundary.
func (r *rateMeter) perSecond(now time.Time, window time.Duration) float64 {
	if r.start.IsZero() {
		return 0
	}
	n := min(int64(window/time.Second), rateSeconds-1)
	sum := 0.0
	for s := now.Unix() - n; s < now.Unix(); s++ {
		if i := s % rateSeconds; r.second[i] == s {
			sum += r.counts[i]
		}
	}
	span := min(time.Unix(now.Unix(), 0).Sub(r.start), time.Duration(n)*time.Second)
	return sum / max(span.Seconds(), 1)
}

// series returns the last n whole seconds before now, oldest first.
func (r *rateMeter) series(now time.Time, n int) []float64 {
	n = min(n, rateSeconds-1)
	out := make([]float64, n)
	for k := range n {
		s := now.Unix() - int64(n-k)
		if i := s % rateSeconds; r.second[i] == s {
			out[k] = r.counts[i]
		}
	}
	return out
}

var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// sparkline draws values scaled to their maximum, one block per value.
func sparkline(values []float64) string {
	peak := 0.0
	for _, v := range values {
		peak = max(peak, v)
	}
	var b strings.Builder
	for _, v := range values {
		i := 0
		if peak > 0 && v > 0 {
			i = min(int(v/peak*float64(len(sparkBlocks)-1)+0.5), len(sparkBlocks)-1)
			i = max(i, 1) // any traffic at all is visible
		}
		b.WriteRune(sparkBlocks[i])
	}
	return b.String()
}

// latencySamples keeps recent request durations with their finish time in
// a fixed ring, for percentiles over the last window.
type latencySamples struct {
	at   []time.Time
	dur  []time.Duration
	next int // ring position of the next write
	full bool
	sort []time.Duration // scratch for percentiles, reused between calls
}

const maxLatencySamples = 4096

func (l *latencySamples) add(at time.Time, d time.Duration) {
	if l.at == nil {
		l.at = make([]time.Time, maxLatencySamples)
		l.dur = make([]time.Duration, maxLatencySamples)
	}
	l.at[l.next], l.dur[l.next] = at, d
	l.next++
	if l.next == len(l.at) {
		l.next, l.full = 0, true
	}
}

// percentiles returns the q-quantiles (0..1) of the durations that ended
// within window before now; ok is false when there are none.
func (l *latencySamples) percentiles(now time.Time, window time.Duration, qs ...float64) (out []time.Duration, ok bool) {
	n := l.next
	if l.full {
		n = len(l.at)
	}
	ds := l.sort[:0]
	from := now.Add(-window)
	for i := range n {
		if l.at[i].After(from) && !l.at[i].After(now) {
			ds = append(ds, l.dur[i])
		}
	}
	l.sort = ds
	out = make([]time.Duration, len(qs))
	if len(ds) == 0 {
		return out, false
	}
	slices.Sort(ds)
	for k, q := range qs {
		// nearest-rank: the smallest value with at least q of the samples at or below it
		i := int(math.Ceil(q*float64(len(ds)))) - 1
		out[k] = ds[min(max(i, 0), len(ds)-1)]
	}
	return out, true
}
