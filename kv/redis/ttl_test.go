package redis

import (
	"testing"
	"time"
)

// TestSnapToSecond: on Redis 6.2 (PTTL only) an expiry within the round
// trip's uncertainty of a whole second is that second, so the official
// client gets back what it set; a sub-second expiry set on purpose stays.
func TestSnapToSecond(t *testing.T) {
	base := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   time.Time
		want time.Time
	}{
		{base.Add(700 * time.Microsecond), base},
		{base.Add(-900 * time.Microsecond), base},
		{base.Add(250 * time.Millisecond), base.Add(250 * time.Millisecond)},
		{base.Add(-3 * time.Millisecond), base.Add(-3 * time.Millisecond)},
	} {
		if got := snapToSecond(tc.in, 2*time.Millisecond); !got.Equal(tc.want) {
			t.Errorf("snapToSecond(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
