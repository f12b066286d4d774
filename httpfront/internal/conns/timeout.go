package conns

import (
	"errors"
	"net"
)

// IsTimeout reports a deadline that passed on a connection (a net.Error
// whose Timeout is true), as opposed to a connection that failed.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
