package service

import (
	"errors"
	"fmt"
	"time"

	"github.com/phprun/phprun/service/servicev1"
)

// RPC is the `service` RPC service: RoadRunner's methods with the
// protobuf messages of service.v1 (spiral/roadrunner-services), plus
// phprun's Control for `phprun services`. Register it on the RPC server
// under the name "service".
type RPC struct{ s *Supervisor }

// NewRPC serves s over RPC.
func NewRPC(s *Supervisor) *RPC { return &RPC{s: s} }

// Create adds and starts a service. exec_timeout arrives in seconds.
func (r *RPC) Create(in *servicev1.Create, out *servicev1.Response) error {
	err := r.s.Create(in.GetName(), Config{
		Command:          in.GetCommand(),
		ProcessNum:       int(in.GetProcessNum()),
		ExecTimeout:      time.Duration(in.GetExecTimeout()) * time.Second,
		RemainAfterExit:  in.GetRemainAfterExit(),
		RestartSec:       in.GetRestartSec(),
		ServiceNameInLog: in.GetServiceNameInLogs(),
		TimeoutStopSec:   in.GetTimeoutStopSec(),
		Env:              in.GetEnv(),
	})
	if err != nil {
		return err
	}
	out.Ok = true
	return nil
}

// Restart stops every process of the service and starts new ones.
func (r *RPC) Restart(in *servicev1.Service, out *servicev1.Response) error {
	if err := r.s.Restart(in.GetName()); err != nil {
		return err
	}
	out.Ok = true
	return nil
}

// Terminate stops the service and forgets it.
func (r *RPC) Terminate(in *servicev1.Service, out *servicev1.Response) error {
	if err := r.s.Terminate(in.GetName()); err != nil {
		return err
	}
	out.Ok = true
	return nil
}

// Status describes the last process of the service, as RoadRunner does
// (its Statuses is the complete answer). A process that is not running is
// an error, as RoadRunner cannot inspect it either.
func (r *RPC) Status(in *servicev1.Service, out *servicev1.Status) error {
	sts, err := r.s.Statuses(in.GetName())
	if err != nil {
		return err
	}
	st := sts[len(sts)-1]
	if st.PID == 0 {
		return fmt.Errorf("the service with %s name has no running process (%s)", st.Service, describeState(st))
	}
	*out = servicev1.Status{Pid: int32(st.PID), Command: st.Command, CpuPercent: float32(st.CPU), MemoryUsage: st.RSS}
	return nil
}

// Statuses describes every process of the service; one that is not
// running carries its state in status.message (code 0, as RoadRunner).
func (r *RPC) Statuses(in *servicev1.Service, out *servicev1.Statuses) error {
	sts, err := r.s.Statuses(in.GetName())
	if err != nil {
		return err
	}
	for _, st := range sts {
		ps := &servicev1.Status{Pid: int32(st.PID), Command: st.Command, CpuPercent: float32(st.CPU), MemoryUsage: st.RSS}
		if st.PID == 0 {
			ps.Status = &servicev1.ErrorStatus{Message: describeState(st)}
		}
		out.Status = append(out.Status, ps)
	}
	return nil
}

// List names every service, configured or created.
func (r *RPC) List(_ *servicev1.Service, out *servicev1.List) error {
	out.Services = r.s.Names()
	return nil
}

// ControlArgs is the argument of Control.
type ControlArgs struct {
	Action string   // "list", "restart", "stop" or "start"
	Names  []string // the services; empty means all for "list"
}

// ErrUnknownAction is Control's answer to an action it does not know.
var ErrUnknownAction = errors.New("unknown action (want list, restart, stop or start)")

// Control is phprun's own method behind `phprun services` (gob or JSON
// codec): it applies the action to each named service and returns the
// statuses of those services afterwards.
func (r *RPC) Control(in ControlArgs, out *[]Status) error {
	names := in.Names
	if len(names) == 0 && in.Action == "list" {
		names = r.s.Names()
	}
	var act func(string) error
	switch in.Action {
	case "list":
		act = func(string) error { return nil }
	case "restart":
		act = r.s.Restart
	case "stop":
		act = r.s.Stop
	case "start":
		act = r.s.StartService
	default:
		return fmt.Errorf("service.Control %q: %w", in.Action, ErrUnknownAction)
	}
	var errs []error
	for _, n := range names {
		if err := act(n); err != nil {
			errs = append(errs, err)
			continue
		}
		st, err := r.s.Statuses(n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		*out = append(*out, st...)
	}
	return errors.Join(errs...)
}

func describeState(st Status) string {
	if st.Exit != "" {
		return string(st.State) + ": " + st.Exit
	}
	return string(st.State)
}
