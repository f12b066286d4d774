// Package metrics is RoadRunner's metrics plugin: a Prometheus endpoint
// (client_golang) at metrics.address with the Go runtime and process
// collectors, the app's own collectors declared in config (`collect`) or
// over RPC (metrics.Declare/Add/Sub/Observe/Set/Unregister, JSON codec),
// and the built-in rr_* metrics with RoadRunner's names.
//
// Built-in pool metrics are read from a pool's Stats snapshot at scrape
// time (PoolCollector), so serving requests pays nothing for them; the
// per-request counters of the http_metrics middleware (HTTPMetrics) are
// one atomic add and one histogram observation, with no allocation.
package metrics
