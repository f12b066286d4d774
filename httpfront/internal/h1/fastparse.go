package h1

import (
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// parseSimpleHead parses the common request into *r without net/http's
// line reader: HTTP/1.1, an origin-form target, one Host, no body, and
// every header line in the plain "Name: value" form. It gives what
// http.ReadRequest gives for the same bytes (TestSimpleHeadMatchesReadRequest
// and FuzzSimpleHead compare the whole Request) and reports false for
// anything else, which then goes through http.ReadRequest as before.
//
// Why: ReadRequest allocates a string per line and per value and walks
// the head through textproto's reader; for a browser's GET with ten
// headers that was about 5 µs and 14 allocations, a large part of the
// fast path's own CPU. Here the head becomes one string, and the method,
// target and values are slices of it.
//
// head is the whole head as peekHead found it: CRLF line ends only (bare
// LF went to net/http), ending in an empty line, at most fastHeadMax.
func parseSimpleHead(head []byte, r *http.Request) bool {
	s := string(head)
	line, rest, ok := strings.Cut(s, "\r\n")
	if !ok {
		return false
	}
	method, target, ok := strings.Cut(line, " ")
	if !ok || !httpguts.ValidHeaderFieldName(method) { // a method is a token
		return false
	}
	target, ok = strings.CutSuffix(target, " HTTP/1.1")
	if !ok || len(target) == 0 || target[0] != '/' || strings.IndexByte(target, ' ') >= 0 {
		return false // absolute-form, "*", other versions, stray spaces
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return false // net/http's error answer follows
	}

	lines := strings.Count(rest, "\r\n") - 1 // the last one ends the head
	if lines < 1 {
		return false // no Host
	}
	h := make(http.Header, lines)
	strs := make([]string, lines) // one backing array for single values, as textproto does
	host, hosts := "", 0
	for {
		line, rest, _ = strings.Cut(rest, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		// A token name (no leading space of a continuation line, no space
		// before the colon) and a value without control bytes but tab: the
		// bytes textproto accepts, obs-text included.
		if !ok || !httpguts.ValidHeaderFieldName(name) || !httpguts.ValidHeaderFieldValue(value) {
			return false
		}
		value = strings.Trim(value, " \t")
		key := textproto.CanonicalMIMEHeaderKey(name)
		switch key {
		case "Host":
			host, hosts = value, hosts+1
			continue // ReadRequest keeps it out of the map
		case "Content-Length", "Transfer-Encoding", "Expect", "Trailer", "Pragma":
			return false // a body, its framing, or header rewrites ReadRequest makes
		}
		if vv := h[key]; vv != nil {
			h[key] = append(vv, value)
			continue
		}
		vv := strs[:1:1]
		strs = strs[1:]
		vv[0] = value
		h[key] = vv
	}
	if hosts != 1 {
		return false
	}
	*r = http.Request{
		Method:     method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Body:       http.NoBody,
		Host:       host,
		RequestURI: target,
		Close:      httpguts.HeaderValuesContainsToken(h["Connection"], "close"),
	}
	return true
}
