// Package jobsv1 holds RoadRunner's jobs.v1 protobuf messages, generated
// from jobs.proto, for the jobs RPC service.
package jobsv1

//go:generate protoc --go_out=. --go_opt=paths=source_relative jobs.proto
