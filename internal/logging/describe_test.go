package logging

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/phprun/phprun/engine"
)

// eventMessages are the JSON log's messages for every event kind, as users'
// log pipelines match them; the dashboard's rows start with the same text
// (tui's TestEventRowsUseDescribe), both taken from engine.Event.Describe.
var eventMessages = map[engine.EventKind]string{
	engine.EventWorkerSpawned: "worker spawned",
	engine.EventWorkerReady:   "worker ready",
	engine.EventWorkerStopped: "worker stopped",
	engine.EventWorkerOutput:  "a line of stderr",
	engine.EventLimitReached:  "worker limit reached",
	engine.EventReloadStarted: "reload started",
	engine.EventReloadDone:    "reload done",
	engine.EventReloadFailed:  "reload failed",
	engine.EventBootFailed:    "worker failed to boot",
	engine.EventLog:           "a line of stderr",
	engine.EventKind(200):     "unknown",
}

// TestEventMessagesAreDescribe: the JSON log's message of each event is
// its Describe text, unchanged from the messages users match.
func TestEventMessagesAreDescribe(t *testing.T) {
	for kind, want := range eventMessages {
		var buf bytes.Buffer
		log, _, err := New(Config{Mode: "development", Level: "debug", Encoding: "json", Output: "stderr"}, nil, &buf)
		if err != nil {
			t.Fatal(err)
		}
		e := engine.Event{Kind: kind, Pool: "http", Level: "info", Reason: "why", Message: "a line of stderr"}
		LogEvent(log, e)
		var rec struct{ Msg string }
		if err := json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &rec); err != nil {
			t.Fatalf("%v: %v in %q", kind, err, buf.String())
		}
		if rec.Msg != want || rec.Msg != e.Describe() {
			t.Errorf("%v: msg %q, Describe %q, want %q", kind, rec.Msg, e.Describe(), want)
		}
		if strings.Count(buf.String(), "\n") != 1 {
			t.Errorf("%v: %d lines", kind, strings.Count(buf.String(), "\n"))
		}
	}
}
