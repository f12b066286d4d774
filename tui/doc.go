// Package tui is the terminal dashboard of `phprun dev` (and of `phprun
// serve` on a terminal): workers, requests and logs of a running server,
// with keys to reset workers.
//
// It is a strict Elm program (bubbletea v1): Model.Update is the only code
// that changes the model, and everything from outside arrives as a message:
//
//   - a poll command reads Source.Stats and Source.Requests every 250 ms;
//   - a re-armed blocking command drains Source.Events in batches (at most
//     256 events, at most 10 batches a second);
//   - resets and the graceful drain run Source methods in commands and
//     report back as messages, so Update never blocks.
//
// The package imports engine for its types only; main implements Source
// over the real engine. See docs/dashboard.md for the keys, the panes and
// the event contract.
//
// Files: model.go (root model, messages, Update), update_keys.go (keys and
// the enabled bindings), view.go (layout and View), one file per pane
// (header.go, workers.go, requests.go, logs.go, detail.go) each with
// SetSize, styles.go, keys.go, filter.go, metrics.go (req/s, percentiles,
// sparkline), store.go and scroll.go (the stream panes' rows and cursor).
package tui
