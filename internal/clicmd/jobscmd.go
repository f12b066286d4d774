package clicmd

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/phprun/phprun/internal/termtable"
	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/jobsv1"
	"github.com/phprun/phprun/rpc"
)

// JobsCmd manages the pipelines of a running server over RPC, like `rr jobs`.
type JobsCmd struct {
	List    JobsListCmd    `cmd:"" default:"withargs" help:"List the pipelines with their state and counts (the default)."`
	Pause   JobsPauseCmd   `cmd:"" help:"Stop consuming pipelines (pushes are still stored)."`
	Resume  JobsResumeCmd  `cmd:"" help:"Start or resume consuming pipelines."`
	Destroy JobsDestroyCmd `cmd:"" help:"Stop and remove pipelines."`
}

// JobsListCmd prints jobs.Stat as a table or JSON.
type JobsListCmd struct {
	JSON bool `name:"json" help:"Print JSON instead of a table."`
}

// JobsPauseCmd pauses pipelines.
type JobsPauseCmd struct {
	Pipelines []string `arg:"" help:"Pipelines to pause."`
}

// JobsResumeCmd resumes pipelines.
type JobsResumeCmd struct {
	Pipelines []string `arg:"" help:"Pipelines to resume."`
}

// JobsDestroyCmd destroys pipelines.
type JobsDestroyCmd struct {
	Pipelines []string `arg:"" help:"Pipelines to destroy."`
}

// jobsClient dials the jobs service of the server the configuration names.
func jobsClient(env *Env) (*jobs.Client, error) {
	listen, _, err := rpcListen(env)
	if err != nil {
		return nil, err
	}
	conn, _, err := rpc.DialConn(listen)
	if err != nil {
		return nil, err
	}
	return jobs.NewClient(conn), nil
}

// pipelineJSON is one row of `phprun jobs list --json`.
type pipelineJSON struct {
	Pipeline string `json:"pipeline"`
	Driver   string `json:"driver"`
	Queue    string `json:"queue"`
	State    string `json:"state"`
	Active   int64  `json:"active"`
	Delayed  int64  `json:"delayed"`
	Reserved int64  `json:"reserved"`
	Priority uint64 `json:"priority"`
}

func pipelineState(s *jobsv1.Stat) string {
	if s.GetReady() {
		return "consuming"
	}
	return "paused"
}

// Run prints the pipelines.
func (c JobsListCmd) Run(env *Env) error {
	cl, err := jobsClient(env)
	if err != nil {
		return err
	}
	defer cl.Close()
	stats, err := cl.Stat()
	if err != nil {
		return err
	}
	if c.JSON {
		rows := make([]pipelineJSON, 0, len(stats))
		for _, s := range stats {
			rows = append(rows, pipelineJSON{s.GetPipeline(), s.GetDriver(), s.GetQueue(), pipelineState(s), s.GetActive(), s.GetDelayed(), s.GetReserved(), s.GetPriority()})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	return renderPipelines(env.Stdout, stats)
}

// renderPipelines writes the table of `phprun jobs list` (termtable.Columns).
func renderPipelines(w io.Writer, stats []*jobsv1.Stat) error {
	if len(stats) == 0 {
		_, err := fmt.Fprintln(w, "no pipelines")
		return err
	}
	rows := make([][]string, 0, len(stats))
	for _, s := range stats {
		rows = append(rows, []string{s.GetPipeline(), s.GetDriver(), pipelineState(s), s.GetQueue(),
			strconv.FormatInt(s.GetActive(), 10), strconv.FormatInt(s.GetDelayed(), 10),
			strconv.FormatInt(s.GetReserved(), 10), strconv.FormatUint(s.GetPriority(), 10)})
	}
	return termtable.Columns(w, termtable.Titles("PIPELINE", "DRIVER", "STATE", "QUEUE", "ACTIVE", "DELAYED", "RESERVED", "PRIORITY"), rows)
}

// Run pauses the pipelines.
func (c JobsPauseCmd) Run(env *Env) error {
	return jobsAction(env, "paused", c.Pipelines, func(cl *jobs.Client) error { return cl.Pause(c.Pipelines...) })
}

// Run resumes the pipelines.
func (c JobsResumeCmd) Run(env *Env) error {
	return jobsAction(env, "resumed", c.Pipelines, func(cl *jobs.Client) error { return cl.Resume(c.Pipelines...) })
}

// Run destroys the pipelines.
func (c JobsDestroyCmd) Run(env *Env) error {
	return jobsAction(env, "destroyed", c.Pipelines, func(cl *jobs.Client) error {
		_, err := cl.Destroy(c.Pipelines...)
		return err
	})
}

func jobsAction(env *Env, done string, names []string, f func(*jobs.Client) error) error {
	cl, err := jobsClient(env)
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := f(cl); err != nil {
		return err
	}
	for _, n := range names {
		fmt.Fprintf(env.Stdout, "%s: %s\n", n, done)
	}
	return nil
}
