package engine

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lateRelays runs a test over every relay kind.
func lateRelays(t *testing.T, name string, run func(t *testing.T, relay string)) {
	for _, relay := range []string{"pipes", fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)), "unix://" + filepath.Join(t.TempDir(), "late.sock")} {
		t.Run(name+"/"+strings.SplitN(relay, ":", 2)[0], func(t *testing.T) { run(t, relay) })
	}
}

// TestLateErrorFrameDoesNotShiftAnswers: roadrunner-http's README answers an
// exception with respond(500) and then $worker->error(). The ERROR frame
// arrives after the answer; read as the reply to the next job it would shift
// every later answer by one (each client getting the previous client's
// response). It must be dropped with a warning and the worker kept in step.
func TestLateErrorFrameDoesNotShiftAnswers(t *testing.T) {
	for _, job := range []string{"late-error", "late-error-slow"} {
		lateRelays(t, job, func(t *testing.T, relay string) {
			bus := NewBus()
			events := collect(t, bus)
			cfg := helperConfig(t, "", 1)
			cfg.Server.Relay = relay
			p := newPool(t, cfg, bus)
			pid := p.Stats().Workers[0].PID
			if c, b, err := execString(t, p, job, "first"); err != nil || c != job || b != "first" {
				t.Fatalf("%s: got %q %q %v", job, c, b, err)
			}
			time.Sleep(150 * time.Millisecond) // the late frame is on the relay by now
			for i := 0; i < 4; i++ {
				want := fmt.Sprintf("job %d", i)
				if _, b, err := execString(t, p, "c", want); err != nil || b != want {
					t.Fatalf("%s: answer %d: got %q, %v (want %q)", job, i, b, err, want)
				}
			}
			if st := p.Stats(); len(st.Workers) != 1 || st.Workers[0].PID != pid || st.Errors != 0 {
				t.Fatalf("%s: worker should be kept without errors: %+v", job, st)
			}
			waitFor(t, time.Second, "warning about the late error", func() bool {
				return hasEvent(events(), EventLog, func(e Event) bool {
					return e.Level == "warn" && e.PID == pid && strings.Contains(e.Message, "late failure")
				})
			})
		})
	}
}

// TestLateDataFrameRetiresWorker: any other unasked frame means the worker is
// out of step; it is replaced and the job runs elsewhere.
func TestLateDataFrameRetiresWorker(t *testing.T) {
	lateRelays(t, "late-data-slow", func(t *testing.T, relay string) {
		cfg := helperConfig(t, "", 1)
		cfg.Server.Relay = relay
		p := newPool(t, cfg, nil)
		pid := p.Stats().Workers[0].PID
		if _, b, err := execString(t, p, "late-data-slow", "first"); err != nil || b != "first" {
			t.Fatalf("got %q, %v", b, err)
		}
		time.Sleep(150 * time.Millisecond)
		for i := 0; i < 3; i++ {
			want := fmt.Sprintf("job %d", i)
			if _, b, err := execString(t, p, "c", want); err != nil || b != want {
				t.Fatalf("answer %d: got %q, %v (want %q)", i, b, err, want)
			}
		}
		waitFor(t, 3*time.Second, "replacement of the out-of-step worker", func() bool {
			st := p.Stats()
			return len(st.Workers) == 1 && st.Workers[0].PID != pid
		})
	})
}
