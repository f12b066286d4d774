package httpfront

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
)

// bufPool holds the buffers request contexts and bodies are built in, so
// that a request costs no allocation for them. Buffers that grew past
// maxPooledBuf are left to the GC instead of pinning memory.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

const maxPooledBuf = 1 << 20

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > maxPooledBuf {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// appendRequestContext appends the JSON request context of PROTOCOL.md 3.2
// for r: remoteAddr without port, the absolute uri, canonical headers
// without Host, URL-unescaped cookies, rawQuery, parsed, uploads and
// attributes (always {}: no Go middleware of phprun sets PSR-7 attributes).
func appendRequestContext(dst []byte, r *http.Request, parsed bool, uploads *tree) []byte {
	dst = append(dst, `{"remoteAddr":`...)
	dst = appendJSONString(dst, remoteIP(r.RemoteAddr))
	dst = append(dst, `,"protocol":`...)
	dst = appendJSONString(dst, r.Proto)
	dst = append(dst, `,"method":`...)
	dst = appendJSONString(dst, r.Method)
	dst = append(dst, `,"uri":"`...)
	dst = appendURI(dst, r)
	dst = append(dst, `","headers":{`...)
	first := true
	for name, values := range r.Header {
		if name == "Host" {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendJSONString(dst, name)
		dst = append(dst, ":["...)
		for i, v := range values {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, v)
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `},"cookies":{`...)
	if _, ok := r.Header["Cookie"]; ok {
		dst = appendCookies(dst, r)
	}
	dst = append(dst, `},"rawQuery":"`...)
	dst = appendJSONEscaped(dst, r.URL.RawQuery, true)
	dst = append(dst, `","parsed":`...)
	if parsed {
		dst = append(dst, "true"...)
	} else {
		dst = append(dst, "false"...)
	}
	dst = append(dst, `,"uploads":`...)
	if uploads == nil {
		dst = append(dst, "null"...)
	} else {
		dst = uploads.appendJSON(dst)
	}
	return append(dst, `,"attributes":{}}`...)
}

// appendURI appends the escaped absolute URI: scheme://Host/path?query,
// with https under TLS and CR/LF removed (RoadRunner's URI()).
func appendURI(dst []byte, r *http.Request) []byte {
	if r.URL.Host != "" { // absolute-form request line
		return appendJSONEscaped(dst, r.URL.String(), true)
	}
	if r.TLS != nil {
		dst = append(dst, "https://"...)
	} else {
		dst = append(dst, "http://"...)
	}
	dst = appendJSONEscaped(dst, r.Host, true)
	dst = appendJSONEscaped(dst, r.URL.EscapedPath(), true)
	if r.URL.RawQuery != "" || r.URL.ForceQuery {
		dst = append(dst, '?')
		dst = appendJSONEscaped(dst, r.URL.RawQuery, true)
	}
	return dst
}

// appendCookies appends the cookie members (without braces). Values are
// URL-unescaped ("+" becomes a space); cookies that fail to unescape are
// dropped, as RoadRunner drops them.
func appendCookies(dst []byte, r *http.Request) []byte {
	first := true
	for _, c := range r.Cookies() {
		v := c.Value
		if strings.ContainsAny(v, "%+") {
			var err error
			if v, err = url.QueryUnescape(v); err != nil {
				continue
			}
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendJSONString(dst, c.Name)
		dst = append(dst, ':')
		dst = appendJSONString(dst, v)
	}
	return dst
}

// remoteIP strips the port from addr, as RoadRunner's FetchIP does.
// Values without a colon (set by proxy_ip_parser) are returned as they
// are, bare IPv6 addresses in canonical form, anything else as "".
func remoteIP(addr string) string {
	if !strings.Contains(addr, ":") {
		return addr
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		if ip, perr := netip.ParseAddr(addr); perr == nil {
			return ip.String()
		}
		return ""
	}
	return host
}
