package rpc

import (
	"context"

	"github.com/phprun/phprun/engine"
)

// Pools is what the RPC services need from the running pools. main
// implements it over its engine pools; a "plugin" in RoadRunner's RPC terms
// is a pool name ("http", later "jobs").
type Pools interface {
	// Names lists the pools, in a stable order.
	Names() []string
	// Stats returns a snapshot of the named pool, false if there is none.
	Stats(name string) (engine.Stats, bool)
	// Reset replaces the pool's workers (a rolling reload) and returns when
	// the new generation serves, or with the reason it could not.
	Reset(ctx context.Context, name string) error
}

// ProcessState describes one worker as RoadRunner's informer does
// (PROTOCOL.md 4.3). The JSON keys are what PHP's WorkerPool reads and the
// Go field names are what `rr workers` decodes over gob: both are fixed.
type ProcessState struct {
	Pid         int64   `json:"pid"`
	Status      int64   `json:"status"`
	NumExecs    uint64  `json:"numExecs"`
	Created     int64   `json:"created"` // unix nanoseconds
	MemoryUsage uint64  `json:"memoryUsage"`
	CPUPercent  float64 `json:"CPUPercent"`
	Command     string  `json:"command"`
	StatusStr   string  `json:"statusStr"`
}

// WorkerList is informer.Workers' reply.
type WorkerList struct {
	Workers []*ProcessState `json:"workers"`
}

// JobState is one element of informer.Jobs' reply: one jobs pipeline. The
// fields are RoadRunner's so that gob can match them when `rr workers`
// decodes the list.
type JobState struct {
	Pipeline     string
	Driver       string
	Queue        string
	Active       int64
	Delayed      int64
	Reserved     int64
	Ready        bool
	Priority     uint64
	ErrorMessage string
}

// processStates converts a pool snapshot. Memory and CPU are the engine's
// supervisor's last sample (engine.WorkerInfo): the informer reads no files.
func processStates(st engine.Stats) []*ProcessState {
	out := make([]*ProcessState, 0, len(st.Workers))
	for _, w := range st.Workers {
		ps := &ProcessState{
			Pid:         int64(w.PID),
			Status:      int64(w.State),
			NumExecs:    w.NumExecs,
			MemoryUsage: w.RSS,
			CPUPercent:  w.CPUPercent,
			StatusStr:   w.State.String(),
		}
		if !w.Created.IsZero() {
			ps.Created = w.Created.UnixNano()
		}
		out = append(out, ps)
	}
	return out
}
