package httpfront

import (
	"testing"
	"time"
)

// TestDrainTimeout pins that http.shutdown_timeout: 0 (which Validate
// accepts) still bounds the drain, by the same default DefaultConfig has.
func TestDrainTimeout(t *testing.T) {
	c := DefaultConfig()
	if got := c.DrainTimeout(); got != c.ShutdownTimeout || got <= 0 {
		t.Errorf("default drain = %v, want ShutdownTimeout %v", got, c.ShutdownTimeout)
	}
	def := c.ShutdownTimeout
	c.ShutdownTimeout = 0
	if got := c.DrainTimeout(); got != def {
		t.Errorf("drain with shutdown_timeout 0 = %v, want the default %v", got, def)
	}
	c.ShutdownTimeout = 3 * time.Second
	if got := c.DrainTimeout(); got != 3*time.Second {
		t.Errorf("drain = %v, want 3s", got)
	}
}
