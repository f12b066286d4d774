package service

import "time"

// Back-off bounds. A process "crashes" when it fails to start, or exits
// with an error (non-zero status, a signal) less than crashWindow after it
// started. A clean exit or a longer run resets the count, so a periodic
// job that exits 0 keeps RoadRunner's plain restart_sec rhythm.
const (
	crashWindow = 10 * time.Second
	maxBackoff  = 5 * time.Minute
)

// restartDelay is the wait before the next start after crashes
// consecutive crashes: restart_sec, doubled for each crash after the
// first, capped at maxBackoff (or restart_sec, if that is longer).
func restartDelay(restartSec uint64, crashes int) time.Duration {
	base := time.Duration(restartSec) * time.Second
	limit := max(base, maxBackoff)
	d := base
	for i := 1; i < crashes && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}
