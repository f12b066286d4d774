//go:build !linux

package engine

// lateState: outside Linux only bytes already buffered by the reader are
// noticed (see syncIdle).
type lateState struct{}

func (l *lateState) init(relay) {}

func (l *lateState) pending() bool { return false }

// pollIn is not needed outside Linux: relays there make no raw calls, so
// exchanges never read after sending (relay.go's afterRead).
func pollIn(uintptr) bool { return false }
