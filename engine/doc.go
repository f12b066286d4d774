// Package engine runs a pool of long-lived PHP worker processes and feeds
// them jobs over goridge frames (see package wire), compatibly with the
// official RoadRunner PHP libraries.
//
// The engine knows nothing of HTTP, terminals or config files. Callers build
// a Config, call New, send jobs with Exec and stop the pool with Close.
// Observers read Stats snapshots and subscribe to the event Bus; neither can
// slow the hot path down.
package engine
