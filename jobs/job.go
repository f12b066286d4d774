package jobs

import (
	"maps"
	"slices"
	"strconv"
	"time"
)

// Job is one job as pushed by a client and stored by a driver.
type Job struct {
	// ID is the client-made id (a UUID); redeliveries keep it.
	ID string
	// Name is the job's name (PHP: the job class), `job` in the consumer context.
	Name string
	// Pipeline is the pipeline the job was pushed to.
	Pipeline string
	// Payload is delivered to the worker verbatim.
	Payload []byte
	// Headers travel with the job; Requeue merges into them.
	Headers map[string][]string
	// Priority: lower is served first; 0 takes the pipeline's.
	Priority int64
	// Delay postpones the first delivery.
	Delay time.Duration
	// AutoAck: the job is acked when it is taken, before it runs.
	AutoAck bool
	// Crashes counts the workers that died running this job (crash,
	// kill -9, exec_ttl). The plugin redelivers it until maxCrashes; the
	// count lives with the delivery and is not persisted.
	Crashes int
}

// Clone returns a deep copy of j, so a driver can keep a job that its
// caller goes on to change.
func (j *Job) Clone() *Job {
	c := *j
	c.Payload = slices.Clone(j.Payload)
	c.Headers = cloneHeaders(j.Headers)
	return &c
}

// MergeHeaders copies h into the job's headers, key by key (RoadRunner's
// Requeue semantics: a key in h replaces the job's values for that key).
func (j *Job) MergeHeaders(h map[string][]string) {
	if len(h) == 0 {
		return
	}
	if j.Headers == nil {
		j.Headers = make(map[string][]string, len(h))
	}
	for k, v := range h {
		j.Headers[k] = slices.Clone(v)
	}
}

func cloneHeaders(h map[string][]string) map[string][]string {
	if h == nil {
		return nil
	}
	c := make(map[string][]string, len(h))
	for k, v := range h {
		c[k] = slices.Clone(v)
	}
	return c
}

// Pipeline is one pipeline's configuration: `jobs.pipelines.<name>`, or a
// jobs.Declare map. Driver keys stay raw strings or YAML values in Config;
// each driver reads its own with the helpers below.
type Pipeline struct {
	// Name is the pipeline's name (the key under `pipelines`).
	Name string
	// Driver names the driver: memory, boltdb, amqp, nats.
	Driver string
	// Config holds the driver keys (`pipelines.<name>.config`).
	Config map[string]any
}

// Priority is the pipeline's `priority` key; default 10, as RoadRunner.
func (p Pipeline) Priority() int64 { return p.Int("priority", 10) }

// Int reads an integer driver key (YAML number or the decimal string a
// jobs.Declare map carries), def when absent or unreadable. Validate
// reports unreadable values before any driver opens.
func (p Pipeline) Int(key string, def int64) int64 {
	v, ok := p.Config[key]
	if !ok {
		return def
	}
	n, err := toInt(v)
	if err != nil {
		return def
	}
	return n
}

// String reads a string driver key, def when absent.
func (p Pipeline) String(key, def string) string {
	switch v := p.Config[key].(type) {
	case string:
		return v
	case nil:
		return def
	default:
		return def
	}
}

// Bool reads a boolean driver key ("true"/"false" from Declare), def when
// absent or unreadable.
func (p Pipeline) Bool(key string, def bool) bool {
	switch v := p.Config[key].(type) {
	case bool:
		return v
	case string:
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return def
}

// Keys lists the driver keys, sorted.
func (p Pipeline) Keys() []string { return slices.Sorted(maps.Keys(p.Config)) }

func toInt(v any) (int64, error) {
	switch n := v.(type) {
	case int:
		return int64(n), nil
	case int64:
		return n, nil
	case uint64:
		return int64(n), nil
	case float64:
		if n != float64(int64(n)) {
			return 0, strconv.ErrSyntax
		}
		return int64(n), nil
	case string:
		return strconv.ParseInt(n, 10, 64)
	}
	return 0, strconv.ErrSyntax
}
