package jobs

import "time"

// How a delivery is settled once its job has run.
const (
	settleAck = iota
	settleNack
	settleRequeue
)

// settlement is the decision the reply (or the failure) of a job leads
// to, applied to the delivery after the job is reported. A value rather
// than a closure: deciding costs no allocation per job.
type settlement struct {
	kind    int
	requeue bool // settleNack: deliver again after delay
	delay   time.Duration
	headers map[string][]string // settleRequeue: merged into the job's
}

// apply settles d as decided. A delivery already settled (auto-ack) is
// left as it is.
func (s settlement) apply(d Delivery) {
	switch s.kind {
	case settleNack:
		_ = d.Nack(s.requeue, s.delay)
	case settleRequeue:
		_ = d.Requeue(s.headers, s.delay)
	default:
		_ = d.Ack()
	}
}

// tagCache is one poller's memory of the last job it ran: its engine tag
// ("pipeline:name") and its pipeline's driver name. Consecutive jobs
// mostly share both, so the poller neither builds the tag string nor
// takes the plugin's lock (which pushes also take) for each job. gen is
// the plugin's pipeline generation the entry was read at: a pipeline
// destroyed and declared again with another driver is looked up afresh.
type tagCache struct {
	gen            uint64
	pipeline, name string
	tag, driver    string
}

// lookup returns j's tag and driver name, from the cache when it can.
func (tc *tagCache) lookup(p *Plugin, j *Job) (tag, driver string) {
	gen := p.gen.Load()
	if tc.gen != gen || tc.pipeline != j.Pipeline || tc.driver == "" {
		tc.gen, tc.pipeline, tc.name = gen, j.Pipeline, j.Name
		tc.driver = p.driverOf(j.Pipeline)
		tc.tag = j.Pipeline + ":" + j.Name
	} else if tc.name != j.Name {
		tc.name = j.Name
		tc.tag = j.Pipeline + ":" + j.Name
	}
	return tc.tag, tc.driver
}

// driverOf is the driver name of a pipeline, for the worker's context.
func (p *Plugin) driverOf(name string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pp, ok := p.pipes[name]; ok {
		return pp.cfg.Driver
	}
	return "unknown"
}
