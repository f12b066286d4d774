package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"

	"github.com/phprun/phprun/engine"
)

// runOnInit runs server.on_init before the first workers start. As in
// RoadRunner, a failure is logged and the workers start anyway, unless
// on_init.exit_on_error asks to stop.
func runOnInit(ctx context.Context, ecfg engine.Config, log *slog.Logger) error {
	o := ecfg.Server.OnInit
	if o == nil {
		return nil
	}
	out := &lineLog{log: log}
	err := engine.RunOnInit(ctx, ecfg.Server, ecfg.Dir, out)
	out.flush()
	switch {
	case err == nil:
		log.Info("on_init finished", "command", strings.Join(o.Command, " "))
		return nil
	case o.ExitOnError:
		return err
	}
	log.Error("on_init finished with errors; starting the workers anyway (server.on_init.exit_on_error: false)", "error", err.Error())
	return nil
}

// lineLog logs what a command prints, one record per line.
type lineLog struct {
	log *slog.Logger
	mu  sync.Mutex // guards buf
	buf []byte
}

func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.log.Info("on_init output", "line", string(bytes.TrimRight(l.buf[:i], "\r")))
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

func (l *lineLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.log.Info("on_init output", "line", string(l.buf))
		l.buf = nil
	}
}
