package jobs

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// appendContext appends the context JSON a jobs worker receives, with
// RoadRunner's keys in RoadRunner's order (id, job, driver, headers,
// pipeline; headers sorted by key, as Go's map encoding sorts them). It is
// written by hand because it runs once per job: encoding/json costs a
// reflection walk and an encoder allocation each time.
func appendContext(dst []byte, j *Job, driver string) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendJSONString(dst, j.ID)
	dst = append(dst, `,"job":`...)
	dst = appendJSONString(dst, j.Name)
	dst = append(dst, `,"driver":`...)
	dst = appendJSONString(dst, driver)
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
			dst = appendJSONString(dst, k)
			dst = append(dst, ":["...)
			for n, v := range j.Headers[k] {
				if n > 0 {
					dst = append(dst, ',')
				}
				dst = appendJSONString(dst, v)
			}
			dst = append(dst, ']')
		}
	}
	dst = append(dst, `},"pipeline":`...)
	dst = appendJSONString(dst, j.Pipeline)
	return append(dst, '}')
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD (as
// encoding/json does), everything else verbatim.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, `\u00`...)
				dst = append(dst, "0123456789abcdef"[b>>4], "0123456789abcdef"[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' { // JSONP-safe, as encoding/json
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\u`...)
			dst = strconv.AppendInt(dst, int64(r), 16)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
