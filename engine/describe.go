package engine

// Describe returns what happened in a few words: "worker stopped",
// "reload done", "worker failed to boot"; for a worker's output line or an
// engine warning, the line itself. It is the one place an event becomes
// text: the JSON log uses it as the record's message (details follow as
// attributes) and the dashboard as the head of the event's log row
// (details follow after ": "), so the two never disagree.
func (e Event) Describe() string {
	switch e.Kind {
	case EventWorkerOutput, EventLog:
		return e.Message
	case EventWorkerSpawned:
		return "worker spawned"
	case EventWorkerReady:
		return "worker ready"
	case EventWorkerStopped:
		return "worker stopped"
	case EventLimitReached:
		return "worker limit reached"
	case EventReloadStarted:
		return "reload started"
	case EventReloadDone:
		return "reload done"
	case EventReloadFailed:
		return "reload failed"
	case EventBootFailed:
		return "worker failed to boot"
	}
	return e.Kind.String()
}
