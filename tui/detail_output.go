package tui

import (
	"time"

	"github.com/phprun/phprun/httpfront/access"
)

// outputSlack is how long after a response the worker's output may still
// arrive: stray stdout (var_dump, dump()) is read with the response frame,
// stderr on its own pipe a moment later.
const outputSlack = 500 * time.Millisecond

// requestOutput is the "output" section of a request's detail: what its
// worker printed while serving it (a worker serves one request at a time,
// so its PID and the request's time span tie the lines to the request; in
// `phprun dev --debug` each worker serves only this request).
func requestOutput(st styles, r access.Record, logs *logsPane) []string {
	if r.PID == 0 {
		return nil
	}
	from, to := r.Time.Add(-outputSlack/10), r.Time.Add(r.Duration+outputSlack)
	var lines []string
	for _, l := range logs.items {
		if l.pid == r.PID && l.level == "out" && !l.at.Before(from) && !l.at.After(to) {
			lines = append(lines, "  "+l.text)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return append([]string{"", st.bold.Render("output (var_dump, dump(), stderr)")}, lines...)
}
