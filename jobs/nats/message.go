package nats

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/phprun/phprun/jobs"
)

// A job travels as one NATS message: the payload is the data, the rest
// rides in headers (rr_* as RoadRunner's amqp driver names them) and a
// delayed job carries the time before which it must not run.
const (
	hdrID        = "rr_id"
	hdrJob       = "rr_job"
	hdrHeaders   = "rr_headers"
	hdrPriority  = "rr_priority"
	hdrAutoAck   = "rr_auto_ack"
	hdrNotBefore = "phprun_not_before" // unix milliseconds
)

func encode(subject string, j *jobs.Job, delay time.Duration) (*nats.Msg, error) {
	m := nats.NewMsg(subject)
	m.Data = j.Payload
	m.Header.Set(hdrID, j.ID)
	m.Header.Set(hdrJob, j.Name)
	m.Header.Set(hdrPriority, strconv.FormatInt(j.Priority, 10))
	if j.AutoAck {
		m.Header.Set(hdrAutoAck, "true")
	}
	if len(j.Headers) > 0 {
		b, err := json.Marshal(j.Headers)
		if err != nil {
			return nil, fmt.Errorf("nats: encode headers of job %s: %w", j.ID, err)
		}
		m.Header.Set(hdrHeaders, string(b))
	}
	if delay > 0 {
		m.Header.Set(hdrNotBefore, strconv.FormatInt(time.Now().Add(delay).UnixMilli(), 10))
	}
	return m, nil
}

// decode rebuilds the job; notBefore is zero unless the job was delayed.
func decode(h nats.Header, data []byte, pipeline string, defPriority int64) (j *jobs.Job, notBefore time.Time, err error) {
	j = &jobs.Job{ID: h.Get(hdrID), Name: h.Get(hdrJob), Pipeline: pipeline, Payload: data, AutoAck: h.Get(hdrAutoAck) == "true"}
	j.Priority, _ = strconv.ParseInt(h.Get(hdrPriority), 10, 64)
	if j.Priority == 0 {
		j.Priority = defPriority
	}
	if raw := h.Get(hdrHeaders); raw != "" {
		if err := json.Unmarshal([]byte(raw), &j.Headers); err != nil {
			return j, notBefore, fmt.Errorf("nats: job %s: rr_headers: %w", j.ID, err)
		}
	}
	if ms, perr := strconv.ParseInt(h.Get(hdrNotBefore), 10, 64); perr == nil {
		notBefore = time.UnixMilli(ms)
	}
	return j, notBefore, nil
}
