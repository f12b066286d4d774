package main

import (
	"log/slog"
	"time"

	"github.com/phprun/phprun/internal/logging"
	"github.com/phprun/phprun/tui"
)

// dashboardLog is phprun's logger while the dashboard owns the terminal:
// records at the configured level (logs.level) go to a feed the dashboard
// reads through its Source, so they reach the logs pane without riding the
// engine's event bus, and adding one never waits for the screen.
func dashboardLog(level string) (*slog.Logger, *tui.LogFeed) {
	feed := tui.NewLogFeed(8192)
	lvl, _ := logging.ParseLevel(level)
	return slog.New(logging.NewSinkHandler(lvl, func(at time.Time, level, msg string) {
		feed.Add(tui.LogRecord{Time: at, Level: level, Message: msg})
	})), feed
}
