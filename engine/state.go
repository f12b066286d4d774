package engine

// State is a worker's lifecycle state. The numbering and names are
// RoadRunner's (PROTOCOL.md 6.1) because `rr workers` and the PHP
// WorkerPool client show them as they are.
type State int64

// Worker states, numbered as in RoadRunner's fsm package.
const (
	StateInactive         State = 0
	StateReady            State = 1
	StateWorking          State = 2
	StateInvalid          State = 3
	StateStopping         State = 4
	StateStopped          State = 5
	StateDestroyed        State = 6
	StateMaxJobsReached   State = 7
	StateErrored          State = 8
	StateIdleTTLReached   State = 9
	StateTTLReached       State = 10
	StateMaxMemoryReached State = 11
	StateExecTTLReached   State = 12
)

var stateNames = [...]string{
	"inactive", "ready", "working", "invalid", "stopping", "stopped", "destroyed",
	"maxJobsReached", "errored", "idleTTLReached", "ttlReached", "maxMemoryReached",
	"undefined", // RoadRunner prints execTTLReached as "undefined"
}

// String returns RoadRunner's name for the state.
func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return "undefined"
	}
	return stateNames[s]
}
