package plugins

import (
	"fmt"
	"time"

	"github.com/phprun/phprun/service"
	"github.com/phprun/phprun/tui"
)

// ServiceSet is the service section, plus dev.services under `phprun dev`
// (validation keeps their names apart).
func ServiceSet(section, devServices service.Services, dev bool) service.Services {
	set := make(service.Services, len(section))
	for name, c := range section {
		set[name] = c
	}
	if dev {
		for name, c := range devServices {
			set[name] = c
		}
	}
	return set
}

// ServicesStopBound is how long stopping every service of sv may take: the
// longest timeout_stop_sec, then slack (timeouts.service_stop_slack) to
// deliver SIGKILL and reap.
func ServicesStopBound(sv *service.Supervisor, slack time.Duration) time.Duration {
	wait := time.Duration(service.DefaultTimeoutStopSec) * time.Second
	for _, name := range sv.Names() {
		if c, ok := sv.Config(name); ok {
			wait = max(wait, time.Duration(c.TimeoutStopSec)*time.Second)
		}
	}
	return wait + slack
}

// ServiceRows is the dashboard's Services pane: one row per process.
func ServiceRows(sv *service.Supervisor) []tui.ServiceInfo {
	sts := sv.Snapshot()
	out := make([]tui.ServiceInfo, 0, len(sts))
	for _, st := range sts {
		out = append(out, tui.ServiceInfo{Name: st.Service, Index: st.Index, State: string(st.State),
			Running: st.State == service.StateRunning, PID: st.PID, Restarts: st.Restarts, Started: st.Started,
			Next: st.Next, Exit: st.Exit, CPU: st.CPU, RSS: st.RSS, LastLine: st.LastLine, LogName: service.LogSource(st.Service)})
	}
	return out
}

// ServiceCommand runs the dashboard's r (restart) and s (stop/start) keys.
func ServiceCommand(sv *service.Supervisor, name string, cmd tui.ServiceCmd) error {
	switch cmd {
	case tui.ServiceRestart:
		return sv.Restart(name)
	case tui.ServiceStop:
		return sv.Stop(name)
	case tui.ServiceStart:
		return sv.StartService(name)
	}
	return fmt.Errorf("service %s: unknown command %q", name, cmd)
}
