package nats_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/internal/testbroker"
	"github.com/phprun/phprun/jobs/nats"

	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/jobstest"
)

func TestConformance(t *testing.T) {
	jobstest.Run(t, jobstest.Suite{
		Driver:  "nats",
		Durable: true,
		Open: func(t *testing.T, p jobs.Pipeline, q jobs.Queue) jobs.Driver {
			return open(t, p.Name, q, p.Config)
		},
	})
}

// A server that cannot be reached is jobs.ErrUnavailable (the plugin
// retries with back-off); a bad key is an error naming it.
func TestOpenErrors(t *testing.T) {
	port, err := testbroker.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	jobstest.OpenErrors(t, jobstest.OpenCase{Driver: nats.Name, Open: nats.Open,
		DownAddr: fmt.Sprintf("nats://127.0.0.1:%d", port), UpAddr: broker.Addr,
		Bad: map[string]any{"stream": "has.dots"}, BadKey: "stream"})
}

// rate_limit (bits per second of payload, RoadRunner's meaning of
// JetStream's consumer rate limit) spaces deliveries: 8 jobs of 1,000
// bytes at 32,000 bits/s (4,000 bytes/s, a burst of one second) take
// about a second after the first four.
func TestRateLimit(t *testing.T) {
	c := jobstest.NewCollector()
	d := open(t, "rate", c, map[string]any{"rate_limit": int64(32000), "prefetch": int64(100)})
	payload := make([]byte, 1000)
	for i := range 8 {
		if err := d.Push(context.Background(), &jobs.Job{ID: fmt.Sprint("r", i), Name: "x", Pipeline: "rate", Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for range 8 {
		if err := c.Next(t, 10*time.Second).Ack(); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el < 800*time.Millisecond {
		t.Fatalf("8 kB delivered in %v at 4 kB/s after a 4 kB burst; want about 1 s", el)
	}
}

func TestRateLimitInvalid(t *testing.T) {
	_, err := nats.Open(context.Background(), jobs.Options{
		Pipeline: jobs.Pipeline{Name: "bad", Driver: nats.Name, Config: map[string]any{"rate_limit": int64(-1)}},
		Queue:    jobstest.NewCollector(), Global: map[string]any{"addr": broker.Addr},
	})
	if err == nil || !strings.Contains(err.Error(), "jobs.pipelines.bad.config.rate_limit") {
		t.Fatalf("negative rate_limit: %v", err)
	}
}
