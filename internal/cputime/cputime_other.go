//go:build !unix

package cputime

import "time"

// Self returns 0: the system cannot tell here (see the unix file).
func Self() time.Duration { return 0 }

// Split returns 0, 0: the system cannot tell here.
func Split() (user, sys time.Duration) { return 0, 0 }
