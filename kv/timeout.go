package kv

import (
	"fmt"
	"time"
)

// timeoutLayout is how TTL replies write an expiry: RFC 3339 in UTC with a
// "+00:00" offset, as PHP's DATE_RFC3339 writes it and the official
// client's createFromFormat(RFC3339) reads it back. A fraction appears only
// for a sub-second expiry (which only phprun's own client sets).
const timeoutLayout = "2006-01-02T15:04:05.999999999-07:00"

// ParseTimeout reads an Item.timeout: "" is no expiry, anything else an
// RFC 3339 instant, fraction of a second kept.
func ParseTimeout(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("timeout %q is not an RFC 3339 time: %w", s, err)
	}
	return t, nil
}

// FormatTimeout writes an expiry for a TTL reply; the zero time is "".
func FormatTimeout(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeoutLayout)
}
