package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/engine/wire"
)

// Reply types a jobs worker answers with (RoadRunner's consumer protocol,
// PROTOCOL-PLUGINS.md 3.3).
const (
	replyComplete = 0 // legacy complete(): ack
	replyError    = 1 // legacy fail(): requeue when asked, else ack
	replyAck      = 2
	replyNack     = 3
	replyRequeue  = 4
)

// The ack and complete() replies as PHP encodes them (PROTOCOL-PLUGINS 3.3).
const (
	replyAckJSON      = `{"type":2,"data":{}}`
	replyCompleteJSON = `{"type":0,"data":[]}`
)

// crashRequeueDelay postpones the redelivery of a job whose worker died,
// so a job that kills every worker does not spin.
const crashRequeueDelay = time.Second

// maxCrashes is how many workers a job may take down before it is dropped:
// at-least-once for a worker that died by accident, but a job that kills
// every worker (a poison message) does not loop forever.
const maxCrashes = 3

// Outcomes of a finished job, as Finished.Outcome and log lines say them.
const (
	OutcomeAck     = "ack"
	OutcomeNack    = "nack"
	OutcomeRequeue = "requeue"
	OutcomeFailed  = "failed" // the worker reported an error, or crashed
)

// Finished describes one job after its worker answered (or failed).
type Finished struct {
	Time     time.Time // when it finished
	ID       string
	Name     string
	Pipeline string
	Outcome  string // OutcomeAck, OutcomeNack, OutcomeRequeue, OutcomeFailed
	Error    string // the failure, for OutcomeFailed and messages of nacks
	Duration time.Duration
	PID      int // the worker's, 0 if none ran it
}

// poll feeds the pool until ctx ends.
func (p *Plugin) poll(ctx context.Context) {
	defer p.pollers.Done()
	var buf []byte
	var tc tagCache
	b := &batcher{p: p}
	b.each = b.settleBatched
	var ds []Delivery
	for {
		d, ok := p.q.Take(ctx)
		if !ok {
			return
		}
		if k := p.batchSize(); k > 1 && !p.endsBatch(d) {
			ds = p.q.TakeMore(append(ds[:0], d), k-1, p.endsBatch)
			if len(ds) > 1 {
				buf = p.runBatch(b, ds, buf, &tc)
				clear(ds)
				continue
			}
		}
		buf = p.run(d, buf[:0], &tc)
	}
}

// jobContext is the context JSON a jobs worker receives (appendContext
// writes it); the field order is RoadRunner's.
type jobContext struct {
	ID       string              `json:"id"`
	Job      string              `json:"job"`
	Driver   string              `json:"driver"`
	Headers  map[string][]string `json:"headers"`
	Queue    string              `json:"queue,omitempty"`
	Pipeline string              `json:"pipeline"`
}

// reply is a jobs worker's answer.
type reply struct {
	Type int             `json:"type"`
	Data json.RawMessage `json:"data"`
}

type replyData struct {
	Message      string              `json:"message"`
	Requeue      bool                `json:"requeue"`
	DelaySeconds int64               `json:"delay_seconds"`
	Headers      map[string][]string `json:"headers"`
}

// run executes one delivery on the pool and settles it. buf is the
// poller's context buffer, returned for reuse; tc its cache of the last
// job's tag and driver name.
func (p *Plugin) run(d Delivery, buf []byte, tc *tagCache) []byte {
	j := d.Job()
	start := time.Now()
	if j.AutoAck {
		_ = d.Ack()
	}
	tag, driver := tc.lookup(p, j)
	buf = appendContext(buf[:0], j, driver)

	f := Finished{ID: j.ID, Name: j.Name, Pipeline: j.Pipeline}
	resp, err := p.deps.Pool.Exec(context.Background(), engine.Payload{
		Context: buf, Body: j.Payload, Codec: wire.CodecRaw,
		Tag: engine.Tag{Kind: "job", Name: tag},
	})
	var s settlement
	var wait time.Duration
	if err != nil {
		s = p.settleFailure(d, &f, err)
	} else {
		f.PID, wait = resp.PID(), resp.QueueWait()
		if resp.More() {
			_ = resp.Stop()
			s = p.settleFailure(d, &f, errors.New("jobs: the worker streamed its reply; jobs workers answer with one frame"))
		} else {
			// RoadRunner counts every reply as ok, even a nack or an
			// error reply: rr_jobs_jobs_err means the worker gave none.
			p.counters.jobsOK.Add(1)
			s = p.settleReply(&f, resp.Body)
			resp.Release()
		}
	}
	now := time.Now()
	if p.bpool != nil && err == nil {
		took := now.Sub(start) - wait
		if !p.names.observe(j.Name, took) {
			// Jobs of slow names are never batched: their times would
			// only shrink the batches of the others.
			p.observe(took, 1)
		}
	}
	// Reported before the driver acts, so that a redelivery is never
	// reported before the delivery it repeats.
	p.finish(d, &f, s, start, now)
	return buf
}

// settleFailure handles a job that did not get a reply. A worker error
// (PHP's $worker->error()) fails the job: it is dropped, as RoadRunner
// does. A crash, exec_ttl or a closing pool requeues it: delivery is
// at-least-once on every driver (RoadRunner drops it on memory).
func (p *Plugin) settleFailure(d Delivery, f *Finished, err error) settlement {
	p.counters.jobsErr.Add(1)
	f.Outcome, f.Error = OutcomeFailed, err.Error()
	drop := settlement{kind: settleNack}
	var soft *engine.SoftError
	if errors.As(err, &soft) {
		f.PID = soft.PID
		p.logFailed(f)
		return drop
	}
	var we *engine.WorkerError
	if errors.As(err, &we) {
		f.PID = we.PID
	}
	j := d.Job()
	if errors.Is(err, engine.ErrWorkerCrashed) || errors.Is(err, engine.ErrExecTTL) {
		j.Crashes++
	}
	if j.Crashes >= maxCrashes {
		f.Error += fmt.Sprintf(" (dropped: %d workers died running this job)", j.Crashes)
		p.logFailed(f)
		return drop
	}
	p.logFailed(f)
	return settlement{kind: settleNack, requeue: true, delay: crashRequeueDelay}
}

func (p *Plugin) logFailed(f *Finished) {
	p.log.Error("job failed", "id", f.ID, "job", f.Name, "pipeline", f.Pipeline, "pid", f.PID, "error", f.Error)
}

// settleReply reads the worker's answer and returns how to settle the job
// (RoadRunner's rules: an empty or unreadable reply acks, so a broken
// reply cannot loop a job forever). body is only read here.
func (p *Plugin) settleReply(f *Finished, body []byte) settlement {
	ack := settlement{kind: settleAck}
	f.Outcome = OutcomeAck
	// The usual answers, byte for byte as RoadRunner's PHP client and
	// php-skeleton send them, skip the JSON decoder.
	if len(bytes.TrimSpace(body)) == 0 || string(body) == replyAckJSON || string(body) == replyCompleteJSON {
		return ack
	}
	var r reply
	var data replyData
	if err := json.Unmarshal(body, &r); err != nil {
		p.log.Warn("jobs: the worker's reply is not JSON; the job is acked", "id", f.ID, "pipeline", f.Pipeline, "pid", f.PID, "error", err.Error())
		return ack
	}
	if len(r.Data) > 0 && r.Data[0] == '{' {
		if err := json.Unmarshal(r.Data, &data); err != nil {
			p.log.Warn("jobs: the worker's reply data is malformed; the job is acked", "id", f.ID, "pipeline", f.Pipeline, "error", err.Error())
			return ack
		}
	}
	delay := time.Duration(data.DelaySeconds) * time.Second
	requeue := settlement{kind: settleRequeue, headers: data.Headers, delay: delay}
	switch r.Type {
	case replyComplete, replyAck:
		return ack
	case replyError:
		f.Error = data.Message
		p.log.Error("job failed", "id", f.ID, "job", f.Name, "pipeline", f.Pipeline, "pid", f.PID, "error", data.Message, "requeue", data.Requeue)
		if data.Requeue {
			f.Outcome = OutcomeRequeue
			p.counters.jobsRequeue.Add(1)
			return requeue
		}
		f.Outcome = OutcomeFailed
		return ack
	case replyNack:
		f.Outcome, f.Error = OutcomeNack, data.Message
		p.log.Warn("job nacked", "id", f.ID, "job", f.Name, "pipeline", f.Pipeline, "pid", f.PID, "message", data.Message, "requeue", data.Requeue)
		if data.Requeue {
			p.counters.jobsRequeue.Add(1)
		}
		return settlement{kind: settleNack, requeue: data.Requeue, delay: delay}
	case replyRequeue:
		f.Outcome, f.Error = OutcomeRequeue, data.Message
		p.counters.jobsRequeue.Add(1)
		return requeue
	}
	p.log.Warn("jobs: unknown reply type; the job is acked", "id", f.ID, "pipeline", f.Pipeline, "type", r.Type)
	return ack
}
