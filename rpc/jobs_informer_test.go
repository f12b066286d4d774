package rpc

import (
	"net"
	"net/rpc"
	"testing"

	"github.com/phprun/phprun/engine/wire"
)

// informer.Jobs reports Options.Jobs' pipelines for the "jobs" plugin, in
// types `rr workers` decodes with gob.
func TestInformerJobsFromOptions(t *testing.T) {
	opts := Options{Jobs: func(plugin string) []JobState {
		if plugin != "jobs" {
			return nil
		}
		return []JobState{{Pipeline: "emails", Driver: "memory", Queue: "emails", Active: 3, Ready: true, Priority: 10}}
	}}
	_, addr := startServer(t, samplePools(), opts)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := rpc.NewClientWithCodec(newClientCodec(conn, wire.CodecGob))
	defer c.Close()
	var jobs []*rrJobState
	if err := c.Call("informer.Jobs", "jobs", &jobs); err != nil || len(jobs) != 1 ||
		jobs[0].Pipeline != "emails" || jobs[0].Active != 3 || !jobs[0].Ready || jobs[0].Priority != 10 {
		t.Fatalf("informer.Jobs(jobs) = %+v, %v", jobs, err)
	}
	if err := c.Call("informer.Jobs", "http", &jobs); err != nil || len(jobs) != 0 {
		t.Fatalf("informer.Jobs(http) = %+v, %v", jobs, err)
	}
}
