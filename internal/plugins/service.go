package main

import (
	"context"
	"fmt"
	"time"

	"github.com/phprun/phprun/service"
	"github.com/phprun/phprun/tui"
)

// startServices starts the processes of the service section (RoadRunner's
// service plugin) before the workers boot, as RoadRunner orders its
// plugins. A service that cannot start is reported and the rest of phprun
// runs anyway: it is not a reason to refuse to serve. The supervisor is
// created even with no services, so that service.Create over RPC works;
// the `service` RPC service is registered when the rpc section exists.
func (s *server) startServices() error {
	s.services = service.New(s.serviceSet(), service.Options{Logger: s.log, Bus: s.bus})
	if s.rpcSrv != nil {
		if err := s.rpcSrv.Register("service", service.NewRPC(s.services)); err != nil {
			return err
		}
	}
	s.services.Start()
	if len(s.services.Names()) > 0 {
		s.log.Info("services started", "services", s.services.Names())
	}
	return nil
}

// serviceSet is the service section, plus dev.services under `phprun
// dev` (validation keeps their names apart).
func (s *server) serviceSet() service.Services {
	set := make(service.Services, len(s.lc.Config.Service))
	for name, c := range s.lc.Config.Service {
		set[name] = c
	}
	if s.dev {
		for name, c := range s.lc.Config.Dev.Services {
			set[name] = c
		}
	}
	return set
}

// stopServices stops every service after the workers (reverse order):
// SIGTERM, then SIGKILL after each one's timeout_stop_sec; a forced
// shutdown kills them at once.
func (s *server) stopServices() error {
	if s.services == nil {
		return nil
	}
	ctx, cancel := s.step(s.servicesStopBound())
	defer cancel()
	return s.services.Close(ctx)
}

// servicesStopBound is how long stopping every service may take: the
// longest timeout_stop_sec, then timeouts.service_stop_slack to deliver
// SIGKILL and reap.
func (s *server) servicesStopBound() time.Duration {
	wait := time.Duration(service.DefaultTimeoutStopSec) * time.Second
	for _, name := range s.services.Names() {
		if c, ok := s.services.Config(name); ok {
			wait = max(wait, time.Duration(c.TimeoutStopSec)*time.Second)
		}
	}
	return wait + s.lc.Config.Timeouts.ServiceStopSlack
}

// stopServicesNow is the undo step of a failed start, bounded like a stop.
func (s *server) stopServicesNow() {
	ctx, cancel := context.WithTimeout(context.Background(), s.servicesStopBound())
	defer cancel()
	_ = s.services.Close(ctx)
}

var _ tui.ServiceSource = (*tuiSource)(nil)

// Services is the dashboard's Services pane: one row per process.
func (t *tuiSource) Services() []tui.ServiceInfo {
	sts := t.s.services.Snapshot()
	out := make([]tui.ServiceInfo, 0, len(sts))
	for _, st := range sts {
		out = append(out, tui.ServiceInfo{Name: st.Service, Index: st.Index, State: string(st.State),
			Running: st.State == service.StateRunning, PID: st.PID, Restarts: st.Restarts, Started: st.Started,
			Next: st.Next, Exit: st.Exit, CPU: st.CPU, RSS: st.RSS, LastLine: st.LastLine, LogName: service.LogSource(st.Service)})
	}
	return out
}

// ServiceCommand runs the dashboard's r (restart) and s (stop/start) keys.
func (t *tuiSource) ServiceCommand(name string, cmd tui.ServiceCmd) error {
	switch cmd {
	case tui.ServiceRestart:
		return t.s.services.Restart(name)
	case tui.ServiceStop:
		return t.s.services.Stop(name)
	case tui.ServiceStart:
		return t.s.services.StartService(name)
	}
	return fmt.Errorf("service %s: unknown command %q", name, cmd)
}
