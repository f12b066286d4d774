package jobs

import (
	"slices"

	"github.com/phprun/phprun/internal/jsonw"
)

// appendContext appends the context JSON a jobs worker receives, with
// RoadRunner's keys in RoadRunner's order (id, job, driver, headers,
// pipeline; headers sorted by key, as Go's map encoding sorts them). It is
// written by hand because it runs once per job: encoding/json costs a
// reflection walk and an encoder allocation each time.
func appendContext(dst []byte, j *Job, driver string) []byte {
	dst = append(dst, `{"id":`...)
	dst = jsonw.AppendString(dst, j.ID)
	dst = append(dst, `,"job":`...)
	dst = jsonw.AppendString(dst, j.Name)
	dst = append(dst, `,"driver":`...)
	dst = jsonw.AppendString(dst, driver)
	dst = append(dst, `,"headers":{`...)
	if len(j.Headers) > 0 {
		keys := make([]string, 0, len(j.Headers))
		for k := range j.Headers {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonw.AppendString(dst, k)
			dst = append(dst, ":["...)
			for n, v := range j.Headers[k] {
				if n > 0 {
					dst = append(dst, ',')
				}
				dst = jsonw.AppendString(dst, v)
			}
			dst = append(dst, ']')
		}
	}
	dst = append(dst, `},"pipeline":`...)
	dst = jsonw.AppendString(dst, j.Pipeline)
	return append(dst, '}')
}
