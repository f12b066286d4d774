package logging

import (
	"bytes"
	"strings"
	"testing"
)

// logs.err_output, logs.line_ending and logs.channels as RoadRunner's
// logger plugin documents them: error records go to err_output, each
// record ends with line_ending, a channel has its own level and mode.
func TestLogsRoadRunnerKeys(t *testing.T) {
	var out, errOut bytes.Buffer
	cfg := DefaultConfig()
	cfg.Output, cfg.ErrOutput, cfg.LineEnding = "stdout", "stderr", "\r\n"
	cfg.Channels = map[string]Channel{"http": {Level: "debug"}, "rpc": {Mode: "off"}}
	log, closeLog, err := New(cfg, &out, &errOut)
	if err != nil {
		t.Fatal(err)
	}
	defer closeLog()
	log.Debug("root debug, below logs.level")
	log.Info("root info")
	log.Error("root error")
	ChannelLogger(log, cfg, "http").Debug("http debug")
	ChannelLogger(log, cfg, "rpc").Error("rpc silenced")
	ChannelLogger(log, cfg, "status").Debug("status debug, below logs.level")

	o, e := out.String(), errOut.String()
	if strings.Contains(o, "root debug") || strings.Contains(o, "status debug") || !strings.Contains(o, "root info") ||
		!strings.Contains(o, "http debug") || strings.Contains(o+e, "rpc silenced") {
		t.Errorf("levels or channels wrong:\nout: %s\nerr: %s", o, e)
	}
	if !strings.Contains(e, "root error") || strings.Contains(o, "root error") {
		t.Errorf("error record not on err_output:\nout: %s\nerr: %s", o, e)
	}
	if strings.Count(o, "\r\n") != 2 || strings.Count(o, "\n") != 2 {
		t.Errorf("line ending: %q", o)
	}
}
