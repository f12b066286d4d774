package engine

import "time"

// sampleEvery is how often the supervisor reads its workers' figures when
// no watch_tick asks sooner.
const sampleEvery = time.Second

// sample is one reading of a worker process together with the worker's
// exec count at that moment. It is stored whole behind an atomic pointer
// (worker.last) and never changed after, so a reader gets RSS, CPU and
// exec count of the same instant without a lock: an observer that pairs
// requests with memory growth (the dashboard's leak hint) must not mix a
// sample up to a second old with a live exec count.
type sample struct {
	ProcSample
	at    time.Time // when it was taken
	execs uint64    // worker.execs when it was taken
	// idle: no job ran while it was taken, so RSS holds the effect of
	// exactly execs finished jobs and of none in progress.
	idle bool
}

// sampleAll reads every worker's figures (owned by the supervisor
// goroutine, like the table). Each worker is stamped with its own clock
// reading: with many workers the reads take a while, and the stamp is
// what observers compare request times with.
func (s *supervisor) sampleAll(now time.Time) {
	for _, w := range s.table {
		s.sample(w, time.Now())
	}
	s.lastSample = now
}

// sample takes w's figures through the supervisor's reader and publishes
// them; a failed read (the process is gone) keeps the previous sample.
// The exec count and the busy mark are read on both sides of the read, so
// that a job that began or ended meanwhile clears idle.
func (s *supervisor) sample(w *worker, now time.Time) {
	busy := w.jobStart.Load() != 0
	execs := w.execs.Load()
	ps, err := s.proc(w.pid, now)
	if err != nil {
		return
	}
	idle := !busy && w.jobStart.Load() == 0 && w.execs.Load() == execs
	w.last.Store(&sample{ProcSample: ps, at: now, execs: execs, idle: idle})
}
