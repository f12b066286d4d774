package fielderr

import (
	"errors"
	"strings"
	"testing"
)

func TestLeavesAndRekey(t *testing.T) {
	plain := errors.New("no key")
	err := errors.Join(
		New("pool.num_workers", "must be at least 1, got %d", 0),
		errors.Join(plain, New("server.command", "required")),
		&Error{Key: "pool.x", Err: errors.Join(errors.New("a"), errors.New("b"))},
	)
	leaves := Leaves(err)
	if len(leaves) != 4 {
		t.Fatalf("Leaves = %d errors, want 4 (a keyed join is one leaf): %v", len(leaves), leaves)
	}
	moved := Rekey(err, func(k string) string {
		if strings.HasPrefix(k, "pool.") {
			return "http." + k
		}
		return k
	})
	var keys []string
	for _, e := range Leaves(moved) {
		var fe *Error
		if errors.As(e, &fe) {
			keys = append(keys, fe.Key)
		} else if e != plain {
			t.Errorf("unkeyed leaf %v is not the original error", e)
		}
	}
	if got, want := strings.Join(keys, ","), "http.pool.num_workers,server.command,http.pool.x"; got != want {
		t.Errorf("keys after Rekey = %s, want %s", got, want)
	}
	if got, want := Leaves(moved)[0].Error(), "http.pool.num_workers: must be at least 1, got 0"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if Wrap("k", nil) != nil {
		t.Error("Wrap(k, nil) != nil")
	}
}
