package amqp

import (
	"encoding/json"
	"fmt"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/phprun/phprun/jobs"
)

// A job travels as one AMQP message: the payload is the body and the rest
// rides in rr_* headers, RoadRunner's names, so a queue shared with a
// RoadRunner instance stays readable by both.
const (
	hdrID       = "rr_id"
	hdrJob      = "rr_job"
	hdrPipeline = "rr_pipeline"
	hdrHeaders  = "rr_headers"
	hdrPriority = "rr_priority"
	hdrAutoAck  = "rr_auto_ack"
)

// encode builds the message for j; persistent when the queue is durable.
func encode(j *jobs.Job, durable bool) (amqp.Publishing, error) {
	h := amqp.Table{hdrID: j.ID, hdrJob: j.Name, hdrPipeline: j.Pipeline, hdrPriority: j.Priority, hdrAutoAck: j.AutoAck}
	if len(j.Headers) > 0 {
		b, err := json.Marshal(j.Headers)
		if err != nil {
			return amqp.Publishing{}, fmt.Errorf("amqp: encode headers of job %s: %w", j.ID, err)
		}
		h[hdrHeaders] = b
	}
	msg := amqp.Publishing{Headers: h, MessageId: j.ID, Body: j.Payload, Timestamp: time.Now()}
	if durable {
		msg.DeliveryMode = amqp.Persistent
	}
	return msg, nil
}

// decode rebuilds the job from a delivered message. A message without
// rr_id (published by something else) still becomes a job: its message
// id, or the delivery tag, names it.
func decode(d *amqp.Delivery, pipeline string, defPriority int64) (*jobs.Job, error) {
	j := &jobs.Job{Pipeline: pipeline, Payload: d.Body}
	j.ID, _ = d.Headers[hdrID].(string)
	if j.ID == "" {
		j.ID = d.MessageId
	}
	if j.ID == "" {
		j.ID = fmt.Sprintf("amqp-%d", d.DeliveryTag)
	}
	j.Name, _ = d.Headers[hdrJob].(string)
	j.AutoAck, _ = d.Headers[hdrAutoAck].(bool)
	switch p := d.Headers[hdrPriority].(type) {
	case int64:
		j.Priority = p
	case int32:
		j.Priority = int64(p)
	}
	if j.Priority == 0 {
		j.Priority = defPriority
	}
	var raw []byte
	switch h := d.Headers[hdrHeaders].(type) {
	case []byte:
		raw = h
	case string:
		raw = []byte(h)
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &j.Headers); err != nil {
			return j, fmt.Errorf("amqp: job %s: rr_headers: %w", j.ID, err)
		}
	}
	return j, nil
}
