package engine

import (
	"math"
	"time"
)

// sampleEvery is how often the supervisor reads its workers' figures when
// no watch_tick asks sooner; Stats falls back to the last sample when it
// cannot read them itself.
const sampleEvery = time.Second

// sampleAll reads every worker's figures (owned by the supervisor
// goroutine, like the table).
func (s *supervisor) sampleAll(now time.Time) {
	for _, w := range s.table {
		s.sample(w, now)
	}
	s.lastSample = now
}

// sample stores w's RSS and CPU share for observers; a failed read (the
// process is gone) keeps the previous figures.
func (s *supervisor) sample(w *worker, now time.Time) {
	ps, err := s.proc.read(w.pid, now)
	if err != nil {
		return
	}
	w.rss.Store(ps.RSS)
	w.cpu.Store(math.Float64bits(ps.CPUPercent))
}
