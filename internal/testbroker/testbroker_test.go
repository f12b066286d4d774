package testbroker

import (
	"errors"
	"net"
	"strconv"
	"testing"
)

// Each broker starts, listens on its loopback port and is gone after Stop.
func TestStartStop(t *testing.T) {
	for name, start := range map[string]func() (*Broker, error){"nats": NATS, "rabbitmq": RabbitMQ} {
		t.Run(name, func(t *testing.T) {
			b, err := start()
			if errors.Is(err, ErrMissing) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			b.Stop()
			if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(b.Port)); err == nil {
				c.Close()
				t.Fatalf("%s still listening after Stop", name)
			}
		})
	}
}
