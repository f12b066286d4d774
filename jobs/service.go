package jobs

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/phprun/phprun/jobs/jobsv1"
)

// Service is RoadRunner's `jobs` RPC service (jobs.Push, jobs.PushBatch,
// jobs.Pause, jobs.Resume, jobs.List, jobs.Declare, jobs.Destroy,
// jobs.Stat) over the protobuf codec. Main registers it on the RPC server
// under the name "jobs". Error texts keep RoadRunner's words where PHP
// clients show them.
type Service struct{ p *Plugin }

// Service returns the RPC service of p.
func (p *Plugin) Service() *Service { return &Service{p: p} }

// Push stores one job.
func (s *Service) Push(in *jobsv1.PushRequest, _ *jobsv1.Empty) error {
	ctx, cancel := s.p.pushContext()
	defer cancel()
	if err := s.p.push(ctx, in.GetJob(), &Job{}, SourceSingle); err != nil {
		return fmt.Errorf("rpc_push: %w", err)
	}
	return nil
}

// PushBatch stores jobs one after the other; the first failure stops it.
func (s *Service) PushBatch(in *jobsv1.PushBatchRequest, _ *jobsv1.Empty) error {
	ctx, cancel := s.p.pushContext() // one deadline for the batch, not a timer per job
	defer cancel()
	// One Job for the whole batch: drivers copy what they keep
	// (Driver.Push), so a batch of n costs n fewer allocations.
	scratch := &Job{}
	for _, j := range in.GetJobs() {
		if err := s.p.push(ctx, j, scratch, SourceBatch); err != nil {
			return fmt.Errorf("rpc_push_batch: %w", err)
		}
	}
	return nil
}

// Pause stops consuming each pipeline; the first failure stops it.
func (s *Service) Pause(in *jobsv1.Pipelines, _ *jobsv1.Empty) error {
	for _, name := range in.GetPipelines() {
		if err := s.p.Pause(context.Background(), name); err != nil {
			return err
		}
	}
	return nil
}

// Resume starts consuming each pipeline; the first failure stops it.
func (s *Service) Resume(in *jobsv1.Pipelines, _ *jobsv1.Empty) error {
	for _, name := range in.GetPipelines() {
		if err := s.p.Resume(context.Background(), name); err != nil {
			return err
		}
	}
	return nil
}

// List names every pipeline.
func (s *Service) List(_ *jobsv1.Empty, out *jobsv1.Pipelines) error {
	out.Pipelines = s.p.Names()
	return nil
}

// Declare creates a pipeline at run time from a string map (name,
// driver, priority and driver keys). It consumes at once only when its
// name is in jobs.consume, as RoadRunner does; else it waits for Resume.
func (s *Service) Declare(in *jobsv1.DeclareRequest, _ *jobsv1.Empty) error {
	m := in.GetPipeline()
	pl := Pipeline{Name: m["name"], Driver: m["driver"], Config: map[string]any{}}
	for k, v := range m {
		if k != "name" && k != "driver" {
			pl.Config[k] = v
		}
	}
	if err := s.p.Declare(context.Background(), pl); err != nil {
		return fmt.Errorf("rpc_declare_pipeline: %w", err)
	}
	return nil
}

// Destroy stops and removes pipelines; the reply names those destroyed,
// also when one failed.
func (s *Service) Destroy(in *jobsv1.Pipelines, out *jobsv1.Pipelines) error {
	var errs []error
	for _, name := range in.GetPipelines() {
		if err := s.p.Destroy(context.Background(), name); err != nil {
			errs = append(errs, err)
			continue
		}
		out.Pipelines = append(out.Pipelines, name)
	}
	return errors.Join(errs...)
}

// Stat reports every pipeline.
func (s *Service) Stat(_ *jobsv1.Empty, out *jobsv1.Stats) error {
	for _, st := range s.p.Stats(context.Background()) {
		out.Stats = append(out.Stats, &jobsv1.Stat{Pipeline: st.Pipeline, Driver: st.Driver, Queue: st.Queue,
			Active: st.Active, Delayed: st.Delayed, Reserved: st.Reserved, Ready: st.Ready, Priority: uint64(st.Priority)})
	}
	return nil
}

// push turns a protobuf job into j (overwritten) and stores it.
func (p *Plugin) push(ctx context.Context, in *jobsv1.Job, j *Job, source string) error {
	if in == nil {
		p.counters.pushErr.Add(1)
		return errors.New("empty job")
	}
	if in.GetId() == "" {
		p.counters.pushErr.Add(1)
		return errors.New("empty ID field not allowed")
	}
	o := in.GetOptions()
	*j = Job{ID: in.GetId(), Name: in.GetJob(), Pipeline: o.GetPipeline(), Payload: in.GetPayload(),
		Priority: o.GetPriority(), Delay: time.Duration(o.GetDelay()) * time.Second, AutoAck: o.GetAutoAck()}
	if o.GetDelay() < 0 {
		p.counters.pushErr.Add(1)
		return fmt.Errorf("job %s: negative delay %d", j.ID, o.GetDelay())
	}
	if len(in.GetHeaders()) > 0 {
		j.Headers = make(map[string][]string, len(in.GetHeaders()))
		for k, v := range in.GetHeaders() {
			j.Headers[k] = v.GetValue()
		}
	}
	return p.pushFrom(ctx, j, source)
}

// pushContext bounds one push call by jobs.timeout.
func (p *Plugin) pushContext() (context.Context, context.CancelFunc) {
	timeout := time.Duration(p.cfg.Timeout) * time.Second
	if timeout <= 0 {
		timeout = time.Minute
	}
	return context.WithTimeout(context.Background(), timeout)
}

// Push stores j in its pipeline; ctx bounds the driver (RPC calls give it
// jobs.timeout).
func (p *Plugin) Push(ctx context.Context, j *Job) error {
	return p.pushFrom(ctx, j, SourceSingle)
}

// pushFrom stores j and counts it: rr_jobs_push_ok or _push_err, and,
// once the pipeline is known, rr_jobs_requests_total and
// rr_jobs_push_latency under source.
func (p *Plugin) pushFrom(ctx context.Context, j *Job, source string) error {
	pp, d, err := p.lookup(j.Pipeline)
	if err != nil {
		p.counters.pushErr.Add(1)
		return fmt.Errorf("jobs_plugin_push: %w", err)
	}
	start := time.Now()
	err = d.Push(ctx, j)
	l := &pp.pushes.single
	if source == SourceBatch {
		l = &pp.pushes.batch
	}
	l.observe(time.Since(start))
	if err != nil {
		p.counters.pushErr.Add(1)
		return fmt.Errorf("jobs_plugin_push: pipeline %s: %w", j.Pipeline, err)
	}
	p.counters.pushOK.Add(1)
	return nil
}

// Pause stops consuming a pipeline. Deliveries it had already handed to
// the shared queue go back to the driver.
func (p *Plugin) Pause(ctx context.Context, name string) error {
	pp, d, err := p.lookup(name)
	if err != nil {
		return err
	}
	if err := d.Pause(ctx); err != nil {
		return err
	}
	p.mu.Lock()
	pp.consuming = false
	p.mu.Unlock()
	for _, dl := range p.q.Remove(name) {
		_ = dl.Nack(true, 0)
	}
	p.log.Info("jobs: pipeline paused", "pipeline", name)
	return nil
}

// Resume starts or resumes consuming a pipeline.
func (p *Plugin) Resume(ctx context.Context, name string) error {
	pp, d, err := p.lookup(name)
	if err != nil {
		return err
	}
	if err := d.Resume(ctx); err != nil {
		return err
	}
	p.mu.Lock()
	pp.consuming = true
	p.mu.Unlock()
	p.log.Info("jobs: pipeline consuming", "pipeline", name)
	return nil
}

// Declare creates a pipeline at run time.
func (p *Plugin) Declare(ctx context.Context, pl Pipeline) error {
	if err := ValidatePipeline("pipeline "+pl.Name, pl); err != nil {
		return err
	}
	return p.add(ctx, pl, p.consumes(pl.Name))
}

// Destroy stops a pipeline and removes it.
func (p *Plugin) Destroy(ctx context.Context, name string) error {
	p.mu.Lock()
	pp, ok := p.pipes[name]
	if ok {
		delete(p.pipes, name)
		p.gen.Add(1)
	}
	p.mu.Unlock()
	if !ok {
		return errNoPipeline(name)
	}
	for _, dl := range p.q.Remove(name) {
		_ = dl.Nack(true, 0)
	}
	if pp.d == nil {
		return nil
	}
	return pp.d.Destroy(ctx)
}

// Names lists the pipelines, sorted.
func (p *Plugin) Names() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.pipes))
	for n := range p.pipes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// PipelineStat is one pipeline's state for Stat, the CLI and the dashboard.
type PipelineStat struct {
	Pipeline string
	Driver   string
	Priority int64
	State    // State.Queue is the pipeline's name when the driver has no queue
	// Error is set when the state could not be read (broker down).
	Error string
}

// Stats reports every pipeline, sorted by name.
func (p *Plugin) Stats(ctx context.Context) []PipelineStat {
	p.mu.Lock()
	pipes := make([]*pipe, 0, len(p.pipes))
	for _, pp := range p.pipes {
		pipes = append(pipes, pp)
	}
	p.mu.Unlock()
	sort.Slice(pipes, func(i, j int) bool { return pipes[i].cfg.Name < pipes[j].cfg.Name })
	out := make([]PipelineStat, 0, len(pipes))
	for _, pp := range pipes {
		ps := PipelineStat{Pipeline: pp.cfg.Name, Driver: pp.cfg.Driver, Priority: pp.cfg.Priority()}
		p.mu.Lock()
		d := pp.d
		p.mu.Unlock()
		if d == nil {
			ps.Error = ErrUnavailable.Error()
		} else if st, err := d.State(ctx); err != nil {
			ps.Error = err.Error()
		} else {
			ps.State = st
		}
		if ps.Queue == "" {
			ps.Queue = pp.cfg.Name
		}
		out = append(out, ps)
	}
	return out
}
