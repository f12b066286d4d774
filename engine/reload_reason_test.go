package engine

import (
	"context"
	"testing"
	"time"
)

// TestReloadReasonOnEvents: the reason given to Reload comes out on the
// reload's own Started and Done events, once each, so an observer needs
// no other source to say why workers were replaced.
func TestReloadReasonOnEvents(t *testing.T) {
	bus := NewBus()
	events := collect(t, bus)
	p := newPool(t, helperConfig(t, "", 2), bus)
	for _, why := range []string{"key r", "rpc"} {
		if err := p.Reload(context.Background(), why); err != nil {
			t.Fatal(err)
		}
	}
	reloads := func() []string {
		var got []string
		for _, e := range events() {
			switch e.Kind {
			case EventReloadStarted, EventReloadDone:
				got = append(got, e.Kind.String()+" "+e.Reason)
			}
		}
		return got
	}
	got := reloads()
	for i := 0; i < 100 && len(got) < 4; i++ { // the collector reads the bus on its own goroutine
		time.Sleep(10 * time.Millisecond)
		got = reloads()
	}
	want := []string{"reload.started key r", "reload.done key r", "reload.started rpc", "reload.done rpc"}
	if len(got) != len(want) {
		t.Fatalf("reload events %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("reload events %q, want %q", got, want)
		}
	}
}
