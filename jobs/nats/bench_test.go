package nats_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/phprun/phprun/jobs/brokertest"
)

// BenchmarkConsume measures consumed (delivered and acked) jobs per
// second through the driver, the stream filled beforehand; run with
// -benchtime=20000x. BenchmarkConsumeClient is the same with nats.go's
// jetstream package alone (docs/benchmarks.md).
func BenchmarkConsume(b *testing.B) {
	name := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	q := make(brokertest.AckQueue, 1024)
	brokertest.Consume(b, open(b, name, q, map[string]any{"prefetch": int64(100), "stream": name}), q, name)
}

func BenchmarkConsumeClient(b *testing.B) {
	nc, err := natsgo.Connect(broker.Addr)
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	name := fmt.Sprintf("bench-client-%d", time.Now().UnixNano())
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{name}, Storage: jetstream.FileStorage}); err != nil {
		b.Fatal(err)
	}
	defer js.DeleteStream(ctx, name)
	for i := range b.N {
		if _, err := js.Publish(ctx, name, []byte("payload"), jetstream.WithMsgID(fmt.Sprint(i))); err != nil {
			b.Fatal(err)
		}
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, name, jetstream.ConsumerConfig{Durable: "c", AckPolicy: jetstream.AckExplicitPolicy, MaxAckPending: 100})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	acks := make(chan jetstream.Msg, 1024)
	go func() {
		for n := 0; n < b.N; {
			batch, err := cons.Fetch(100, jetstream.FetchMaxWait(time.Second))
			if err != nil {
				continue
			}
			for m := range batch.Messages() {
				acks <- m
				n++
			}
		}
	}()
	for range b.N {
		if err := (<-acks).Ack(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "jobs/s")
}
