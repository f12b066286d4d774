package tui

import (
	"time"

	"github.com/phprun/phprun/httpfront/access"
)

// statusClasses are the rows of the metrics panel's request rates; "other"
// holds 1xx and records without a response (status 0).
var statusClasses = [...]string{"2xx", "3xx", "4xx", "5xx", "other"}

// statusSeconds is how many one-second buckets statusRates keeps: the
// panel's sparklines and the longest req/s window.
const statusSeconds = 64

// statusRates counts finished requests per second and status class, from
// the access records the dashboard already reads for the requests pane.
// Records are bucketed by the second they finished in, so a batch read in
// one poll still spreads over the seconds it covers.
type statusRates struct {
	counts [statusSeconds][len(statusClasses)]float64 // indexed by unix second mod statusSeconds
	second [statusSeconds]int64                       // which unix second each bucket holds
	start  time.Time                                  // the earliest finish seen; zero before any
}

func statusClass(status int) int {
	if status >= 200 && status < 600 {
		return status/100 - 2
	}
	return len(statusClasses) - 1
}

// add counts records.
func (s *statusRates) add(recs []access.Record) {
	for i := range recs {
		r := &recs[i]
		end := r.Time.Add(r.Duration)
		if s.start.IsZero() || end.Before(s.start) {
			s.start = end
		}
		sec := end.Unix()
		b := sec % statusSeconds
		if s.second[b] != sec {
			if s.second[b] > sec { // older than the bucket's second: out of the kept history
				continue
			}
			s.second[b], s.counts[b] = sec, [len(statusClasses)]float64{}
		}
		s.counts[b][statusClass(r.Status)]++
	}
}

// perSecond averages each class's rate over the whole seconds of window
// before now (or the time since the first record, when shorter), leaving
// out the unfinished current second as rateMeter does.
func (s *statusRates) perSecond(now time.Time, window time.Duration) (out [len(statusClasses)]float64) {
	if s.start.IsZero() {
		return out
	}
	n := min(int64(window/time.Second), statusSeconds-1)
	for sec := now.Unix() - n; sec < now.Unix(); sec++ {
		if b := sec % statusSeconds; s.second[b] == sec {
			for c, v := range s.counts[b] {
				out[c] += v
			}
		}
	}
	span := min(time.Unix(now.Unix(), 0).Sub(time.Unix(s.start.Unix(), 0)), time.Duration(n)*time.Second)
	for c := range out {
		out[c] /= max(span.Seconds(), 1)
	}
	return out
}

// series returns a class's counts of the last n whole seconds before now,
// oldest first.
func (s *statusRates) series(class int, now time.Time, n int) []float64 {
	n = min(n, statusSeconds-1)
	out := make([]float64, n)
	for k := range n {
		sec := now.Unix() - int64(n-k)
		if b := sec % statusSeconds; s.second[b] == sec {
			out[k] = s.counts[b][class]
		}
	}
	return out
}
