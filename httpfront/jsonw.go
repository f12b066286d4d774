package httpfront

import "github.com/phprun/phprun/internal/jsonw"

// appendJSONString appends s as a quoted JSON string (internal/jsonw).
func appendJSONString(dst []byte, s string) []byte { return jsonw.AppendString(dst, s) }

// appendJSONEscaped appends the JSON escaping of s without quotes; with
// dropCRLF, CR and LF are removed (internal/jsonw).
func appendJSONEscaped(dst []byte, s string, dropCRLF bool) []byte {
	return jsonw.AppendEscaped(dst, s, dropCRLF)
}
