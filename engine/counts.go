package engine

// numStates is how many State values there are.
const numStates = len(stateNames)

// Counts is what a health probe needs to know about a pool: how many
// workers are in each state, and why workers cannot boot. Pool.Counts
// builds it from atomics without allocating, reading no file and taking
// no lock, so /health and /ready cost nothing the pool would notice.
type Counts struct {
	States    [numStates]int // workers by State
	BootError string         // as Stats.BootError
}

// Count returns how many workers are in state st.
func (c Counts) Count(st State) int {
	if st < 0 || int(st) >= numStates {
		return 0
	}
	return c.States[st]
}

// Alive is the health probes' rule (RoadRunner's "status"): a pool is
// alive while one worker is ready or working.
func (c Counts) Alive() bool { return c.Count(StateReady)+c.Count(StateWorking) > 0 }

// Counts returns the pool's workers by state, from the same table copy
// Stats reads.
func (p *Pool) Counts() Counts {
	var c Counts
	for _, w := range *p.workers.Load() {
		if st := State(w.state.Load()); st >= 0 && int(st) < numStates {
			c.States[st]++
		}
	}
	if e := p.bootErr.Load(); e != nil {
		c.BootError = *e
	}
	return c
}
