package rpc

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestWatch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := Watch(ctx, time.Millisecond, func(context.Context) error {
		n++
		if n == 3 {
			cancel()
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Fatalf("Watch = %v after %d calls", err, n)
	}
	boom := errors.New("boom")
	err = Watch(context.Background(), time.Millisecond, func(context.Context) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Watch = %v, want boom", err)
	}
}
