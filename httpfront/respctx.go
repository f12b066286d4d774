package httpfront

import (
	"errors"
	"fmt"
	"net/textproto"
	"unicode/utf16"
	"unicode/utf8"
)

// errBadContext: the worker's response context is not the JSON object
// {"status":int,"headers":{name:[values]}} (PROTOCOL.md 3.7).
var errBadContext = errors.New("broken response context")

// headerField is one decoded response header.
type headerField struct {
	name   string
	values []string
}

// respContext is a decoded response context. fields is reused between
// frames and requests (it lives in a pooled responseState).
type respContext struct {
	status int
	fields []headerField
}

// commonHeaders interns frequent header names so that decoding them costs
// no allocation (the map lookup with a []byte key does not allocate).
var commonHeaders = func() map[string]string {
	m := map[string]string{}
	for _, h := range []string{"Content-Type", "Content-Length", "Cache-Control", "Set-Cookie", "Location",
		"Etag", "Last-Modified", "Expires", "Vary", "Content-Encoding", "Content-Disposition", "Link",
		"Trailer", "Http2-Push", "X-Powered-By", "Access-Control-Allow-Origin", "Date", "Server",
		"Pragma", "X-Frame-Options", "X-Content-Type-Options", "Content-Security-Policy",
		"Strict-Transport-Security", "Referrer-Policy", "Retry-After", "Allow", "Www-Authenticate"} {
		m[h] = h
	}
	for k, v := range m {
		m[textproto.CanonicalMIMEHeaderKey(k)] = v
	}
	return m
}()

// parseResponseContext decodes ctx into rc. It is a small hand-written
// JSON reader because encoding/json into map[string][]string allocates a
// dozen times per response; this one allocates only the header values.
// Unknown members are skipped; values that are numbers or booleans are
// taken as their literal text (lenient, like PHP's string casts); header
// names are canonicalised as net/http's Header.Add would.
func parseResponseContext(ctx []byte, rc *respContext) error {
	rc.status = 0
	rc.fields = rc.fields[:0]
	p := jsonParser{b: ctx}
	if !p.consume('{') {
		return p.fail("want an object")
	}
	sawStatus := false
	if !p.consume('}') {
		for {
			key, ok := p.rawString()
			if !ok || !p.consume(':') {
				return p.fail("want a member name")
			}
			switch string(key) {
			case "status":
				n, ok := p.integer()
				if !ok {
					return p.fail("status must be an integer")
				}
				rc.status, sawStatus = n, true
			case "headers":
				if err := p.headers(rc); err != nil {
					return err
				}
			default:
				if !p.skipValue(0) {
					return p.fail("bad value")
				}
			}
			if p.consume(',') {
				continue
			}
			if p.consume('}') {
				break
			}
			return p.fail("want , or }")
		}
	}
	p.ws()
	if p.i != len(p.b) {
		return p.fail("trailing data")
	}
	if !sawStatus {
		return fmt.Errorf("%w: no status", errBadContext)
	}
	return nil
}

type jsonParser struct {
	b       []byte
	i       int
	scratch []byte
}

func (p *jsonParser) fail(what string) error {
	return fmt.Errorf("%w: %s at offset %d", errBadContext, what, p.i)
}

func (p *jsonParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) consume(c byte) bool {
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *jsonParser) peek() byte {
	p.ws()
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

// headers decodes {"Name":["v",...] | "v" | null, ...}; [] and null mean
// no headers (PHP encodes an empty array as []).
func (p *jsonParser) headers(rc *respContext) error {
	switch p.peek() {
	case 'n':
		if !p.literal("null") {
			return p.fail("bad headers")
		}
		return nil
	case '[':
		p.i++
		if !p.consume(']') {
			return p.fail("headers must be an object")
		}
		return nil
	}
	if !p.consume('{') {
		return p.fail("headers must be an object")
	}
	if p.consume('}') {
		return nil
	}
	for {
		raw, ok := p.rawString()
		if !ok || !p.consume(':') {
			return p.fail("want a header name")
		}
		name, ok := commonHeaders[string(raw)]
		if !ok {
			name = textproto.CanonicalMIMEHeaderKey(string(raw))
		}
		var values []string
		switch p.peek() {
		case '[':
			p.i++
			if !p.consume(']') {
				for {
					v, ok := p.scalar()
					if !ok {
						return p.fail("header values must be strings")
					}
					values = append(values, v)
					if p.consume(',') {
						continue
					}
					if p.consume(']') {
						break
					}
					return p.fail("want , or ]")
				}
			}
		case 'n':
			if !p.literal("null") {
				return p.fail("bad header value")
			}
		default:
			v, ok := p.scalar()
			if !ok {
				return p.fail("bad header value")
			}
			values = []string{v}
		}
		if len(values) > 0 {
			rc.fields = append(rc.fields, headerField{name: name, values: values})
		}
		if p.consume(',') {
			continue
		}
		if p.consume('}') {
			return nil
		}
		return p.fail("want , or }")
	}
}

func (p *jsonParser) literal(s string) bool {
	p.ws()
	if len(p.b)-p.i >= len(s) && string(p.b[p.i:p.i+len(s)]) == s {
		p.i += len(s)
		return true
	}
	return false
}

// scalar reads a string, or a number/boolean as its literal text.
func (p *jsonParser) scalar() (string, bool) {
	if p.peek() == '"' {
		b, ok := p.rawString()
		return string(b), ok
	}
	start := p.i
	if p.literal("true") || p.literal("false") {
		return string(p.b[start:p.i]), true
	}
	if p.number() {
		return string(p.b[start:p.i]), true
	}
	return "", false
}

func (p *jsonParser) number() bool {
	p.ws()
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			p.i++
			continue
		}
		break
	}
	return p.i > start
}

func (p *jsonParser) integer() (int, bool) {
	p.ws()
	neg := p.i < len(p.b) && p.b[p.i] == '-'
	if neg {
		p.i++
	}
	n, digits := 0, 0
	for ; p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9'; p.i++ {
		if digits++; digits > 9 {
			return 0, false
		}
		n = n*10 + int(p.b[p.i]-'0')
	}
	if digits == 0 || (p.i < len(p.b) && (p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E')) {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// rawString reads a JSON string and returns its decoded bytes; without
// escapes they alias the input, otherwise p.scratch.
func (p *jsonParser) rawString() ([]byte, bool) {
	if !p.consume('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := p.b[start:p.i]
			p.i++
			return s, true
		}
		if c == '\\' {
			return p.escapedString(start)
		}
		if c < 0x20 {
			return nil, false
		}
		p.i++
	}
	return nil, false
}

func (p *jsonParser) escapedString(start int) ([]byte, bool) {
	out := append(p.scratch[:0], p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			p.scratch = out
			return out, true
		case c < 0x20:
			return nil, false
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.b) {
			return nil, false
		}
		e := p.b[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return nil, false
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					p.i += 2
					if lo, ok := p.hex4(); ok {
						r2 = lo
					}
				}
				r = utf16.DecodeRune(r, r2)
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, false
		}
	}
	return nil, false
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.i+4 > len(p.b) {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}

// skipValue skips any JSON value, bounded in depth.
func (p *jsonParser) skipValue(depth int) bool {
	if depth > 64 {
		return false
	}
	switch p.peek() {
	case '"':
		_, ok := p.rawString()
		return ok
	case '{':
		p.i++
		if p.consume('}') {
			return true
		}
		for {
			if _, ok := p.rawString(); !ok || !p.consume(':') || !p.skipValue(depth+1) {
				return false
			}
			if p.consume(',') {
				continue
			}
			return p.consume('}')
		}
	case '[':
		p.i++
		if p.consume(']') {
			return true
		}
		for {
			if !p.skipValue(depth + 1) {
				return false
			}
			if p.consume(',') {
				continue
			}
			return p.consume(']')
		}
	case 't':
		return p.literal("true")
	case 'f':
		return p.literal("false")
	case 'n':
		return p.literal("null")
	}
	return p.number()
}
