//go:build !linux

package engine

import (
	"errors"
	"time"
)

// procReader has nothing to read without /proc: max_worker_memory cannot
// be enforced and Stats shows zero RSS and CPU.
type procReader struct{}

func newProcReader() procReader { return procReader{} }

func (procReader) read(int, time.Time) (ProcSample, error) {
	return ProcSample{}, errors.New("engine: proc: no /proc on this platform")
}
