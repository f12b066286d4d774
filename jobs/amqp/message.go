package amqp

import (
	"encoding/json"
	"fmt"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/phprun/phprun/jobs"
)

// A job travels as one AMQP message: the payload is the body, the id the
// message id and the name the message type (properties, which cost the
// broker little); the rest rides in rr_* headers (RoadRunner's names) only
// when it differs from the default: a headers table makes RabbitMQ about
// three times slower per message (docs/benchmarks.md).
const (
	hdrID       = "rr_id"
	hdrJob      = "rr_job"
	hdrHeaders  = "rr_headers"
	hdrPriority = "rr_priority"
	hdrAutoAck  = "rr_auto_ack"
)

// encode builds the message for j; persistent when the queue is durable.
func encode(j *jobs.Job, durable bool) (amqp.Publishing, error) {
	msg := amqp.Publishing{MessageId: j.ID, Type: j.Name, Body: j.Payload}
	if j.Priority != 0 || j.AutoAck || len(j.Headers) > 0 {
		msg.Headers = amqp.Table{}
	}
	if j.Priority != 0 {
		msg.Headers[hdrPriority] = j.Priority
	}
	if j.AutoAck {
		msg.Headers[hdrAutoAck] = true
	}
	if len(j.Headers) > 0 {
		b, err := json.Marshal(j.Headers)
		if err != nil {
			return amqp.Publishing{}, fmt.Errorf("amqp: encode headers of job %s: %w", j.ID, err)
		}
		msg.Headers[hdrHeaders] = b
	}
	if durable {
		msg.DeliveryMode = amqp.Persistent
	}
	return msg, nil
}

// decode rebuilds the job from a delivered message. A message without
// an id (published by something else) still becomes a job, named after
// its delivery tag.
func decode(d *amqp.Delivery, pipeline string, defPriority int64) (*jobs.Job, error) {
	j := &jobs.Job{Pipeline: pipeline, Payload: d.Body, ID: d.MessageId, Name: d.Type}
	if id, ok := d.Headers[hdrID].(string); ok && j.ID == "" { // a RoadRunner producer's
		j.ID = id
	}
	if j.ID == "" {
		j.ID = fmt.Sprintf("amqp-%d", d.DeliveryTag)
	}
	if name, ok := d.Headers[hdrJob].(string); ok && j.Name == "" {
		j.Name = name
	}
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
