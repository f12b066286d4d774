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
// to start fails it. The after functions run last in every case (they
// remove what the package made for the broker, such as certificates).
func Main(m *testing.M, start func() (*Broker, error), use func(*Broker), after ...func()) {
	exit := func(code int) {
		for _, f := range after {
			f()
		}
		os.Exit(code)
	}
	b, err := start()
	switch {
	case errors.Is(err, ErrMissing):
		fmt.Fprintln(os.Stderr, "SKIP: broker tests:", err)
		exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		exit(1)
	}
	use(b)
	code := m.Run()
	b.Stop()
	exit(code)
}
