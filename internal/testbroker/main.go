package testbroker

import (
	"errors"
	"fmt"
	"os"
	"testing"
)

// Main is a package's TestMain for tests against one broker: it starts
// the broker with start, hands it to use, runs the tests and stops it. A
// missing binary skips the package with a message; a broker that fails
// to start fails it.
func Main(m *testing.M, start func() (*Broker, error), use func(*Broker)) {
	b, err := start()
	switch {
	case errors.Is(err, ErrMissing):
		fmt.Fprintln(os.Stderr, "SKIP: broker tests:", err)
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	use(b)
	code := m.Run()
	b.Stop()
	os.Exit(code)
}
