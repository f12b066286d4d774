package amqp_test

import (
	"testing"

	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/brokertest"
)

func openNamed(t *testing.T, name string, q jobs.Queue) jobs.Driver { return open(t, name, q, nil) }

func TestSharedQueue(t *testing.T)  { brokertest.SharedQueue(t, "shared", openNamed) }
func TestConsumerDies(t *testing.T) { brokertest.ConsumerDies(t, "orphans", openNamed) }

// Runs last in the file: it restarts the package's broker.
func TestBrokerRestart(t *testing.T) {
	brokertest.BrokerRestart(t, broker, "restart", openNamed)
}
