package nats

import (
	"context"

	"golang.org/x/time/rate"
)

// RoadRunner's `rate_limit` is JetStream's consumer rate limit: the
// bits per second the server delivers to the consumer. JetStream refuses
// a rate limit on a pull consumer (API error 10086), which is what this
// driver uses, so the fetch loop applies the limit itself: a job is
// handed to the plugin only once its payload's bits fit the rate. The
// key is applied only when set: RoadRunner's documented default, 1000
// bits/s, would hold a pipeline to a few small jobs a second.

// newLimiter returns the limiter of a rate_limit in bits per second, nil
// for none. The burst is one second's worth of bytes, so a quiet
// pipeline starts at once and the average holds over any second.
func newLimiter(bitsPerSecond int64) *rate.Limiter {
	if bitsPerSecond <= 0 {
		return nil
	}
	bytes := max(int(bitsPerSecond/8), 1)
	return rate.NewLimiter(rate.Limit(float64(bitsPerSecond)/8), bytes)
}

// waitRate waits until n payload bytes may be delivered, or ctx ends
// (false). A payload larger than the burst waits for a whole burst.
func waitRate(ctx context.Context, l *rate.Limiter, n int) bool {
	if l == nil {
		return true
	}
	n = min(max(n, 1), l.Burst())
	return l.WaitN(ctx, n) == nil
}
