package service

import "time"

// State is where one process of a service stands.
type State string

// The states a process goes through. A process with remain_after_exit
// alternates running → restarting (or backoff) → running; without it,
// running → exited.
const (
	StateRunning    State = "running"
	StateRestarting State = "restarting" // waiting restart_sec after an exit
	StateBackoff    State = "backoff"    // crash loop: waiting longer each time
	StateExited     State = "exited"     // exited and not restarted (remain_after_exit: false)
	StateFailed     State = "failed"     // could not be started
	StateStopped    State = "stopped"    // stopped by a user, RPC or shutdown
)

// Status is a snapshot of one process of a service.
type Status struct {
	Service  string
	Index    int // 0 .. process_num-1
	Command  string
	State    State
	PID      int       // 0 when no process runs
	Started  time.Time // start of the current (or last) process
	Restarts int       // starts after the first one
	Exit     string    // how the last process ended, or why it could not start
	LastLine string    // the last line of output
	Next     time.Time // next start, in restarting and backoff
	RSS      uint64    // resident memory of the running process
	CPU      float64   // average CPU % since the process started
}
