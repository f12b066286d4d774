// Package service supervises long-running side processes: RoadRunner's
// `service` plugin (named commands with process_num, remain_after_exit,
// restart_sec, exec_timeout, timeout_stop_sec, env) and the sidecars of
// `phprun dev` (a Vite watcher, a queue consumer).
//
// Every process runs in its own process group with Pdeathsig, so nothing
// it forks outlives phprun; its stdout and stderr are published line by
// line on the engine's event bus, tagged with the service name and PID;
// a crash loop backs off exponentially instead of spinning. The package
// also serves RoadRunner's `service.*` RPC (protobuf messages of
// service.v1) so that spiral/roadrunner-services works unchanged.
package service
