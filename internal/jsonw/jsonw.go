// Package jsonw appends JSON strings into caller buffers without
// allocating: the HTTP request context and the jobs consumer context are
// built with it once per request or job. It has no dependencies.
package jsonw

import (
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// AppendString appends s as a quoted JSON string.
func AppendString(dst []byte, s string) []byte {
	return append(AppendEscaped(append(dst, '"'), s, false), '"')
}

// AppendEscaped appends the JSON escaping of s without quotes, so that
// several pieces (scheme, host, path, query) can form one JSON string.
// Invalid UTF-8 becomes U+FFFD, as encoding/json does, because PHP's
// json_decode rejects the whole document otherwise. With dropCRLF, CR and
// LF are removed instead of escaped (RoadRunner does that for uri and
// rawQuery). It is hand-written so that building a request context costs
// no allocation: values are appended straight into a pooled buffer.
func AppendEscaped(dst []byte, s string, dropCRLF bool) []byte {
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch {
			case b == '"' || b == '\\':
				dst = append(dst, '\\', b)
			case dropCRLF && (b == '\r' || b == '\n'):
			case b == '\n':
				dst = append(dst, '\\', 'n')
			case b == '\r':
				dst = append(dst, '\\', 'r')
			case b == '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
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
		i += size
	}
	return append(dst, s[start:]...)
}
