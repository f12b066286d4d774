package amqp_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/phprun/phprun/jobs/brokertest"
)

// BenchmarkConsume measures consumed (delivered and acked) jobs per
// second through the driver, the queue filled beforehand; run with
// -benchtime=20000x. BenchmarkConsumeClient is the same with amqp091-go
// alone, the ceiling the driver is compared with (docs/benchmarks.md).
func BenchmarkConsume(b *testing.B) {
	name := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	q := make(brokertest.AckQueue, 1024)
	brokertest.Consume(b, open(b, name, q, map[string]any{"prefetch": int64(100), "durable": false}), q, name)
}

func BenchmarkConsumeClient(b *testing.B) {
	conn, err := amqp091.Dial(broker.Addr)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		b.Fatal(err)
	}
	name := fmt.Sprintf("bench-client-%d", time.Now().UnixNano())
	if _, err := ch.QueueDeclare(name, false, true, false, false, nil); err != nil {
		b.Fatal(err)
	}
	if err := ch.Confirm(false); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := range b.N {
		c, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", name, false, false, amqp091.Publishing{MessageId: fmt.Sprint(i), Body: []byte("payload")})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.WaitContext(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	if err := ch.Qos(100, 0, false); err != nil {
		b.Fatal(err)
	}
	msgs, err := ch.Consume(name, "", false, false, false, false, nil)
	if err != nil {
		b.Fatal(err)
	}
	acks := make(chan amqp091.Delivery, 1024)
	go func() {
		for m := range msgs {
			acks <- m
		}
	}()
	for range b.N {
		if err := (<-acks).Ack(false); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "jobs/s")
}
