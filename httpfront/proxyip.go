package httpfront

import (
	"net/http"
	"net/netip"
	"strings"
)

// proxyIP is RoadRunner's `proxy_ip_parser`: when the peer is inside a
// trusted subnet, the client address is taken from the first trusted
// header that has a value, and replaces r.RemoteAddr (so PHP's
// remoteAddr and the access log show the client, not the proxy).
type proxyIP struct {
	next    http.Handler
	subnets []netip.Prefix
	headers []string // canonical names, in order
}

func newProxyIP(c Config, next http.Handler) *proxyIP {
	p := &proxyIP{next: next}
	for _, s := range c.TrustedSubnets {
		if pfx, err := netip.ParsePrefix(s); err == nil { // checked by Validate
			p.subnets = append(p.subnets, pfx.Masked())
		}
	}
	hs := c.TrustedHeaders
	if len(hs) == 0 {
		hs = defaultTrustedHeaders
	}
	for _, h := range hs {
		p.headers = append(p.headers, http.CanonicalHeaderKey(h))
	}
	return p
}

func (p *proxyIP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if peer, err := netip.ParseAddr(remoteIP(r.RemoteAddr)); err == nil && p.trusted(peer.Unmap()) {
		if ip := p.clientIP(r.Header); ip != "" {
			r.RemoteAddr = ip
		}
	}
	p.next.ServeHTTP(w, r)
}

func (p *proxyIP) trusted(ip netip.Addr) bool {
	for _, s := range p.subnets {
		if s.Contains(ip) {
			return true
		}
	}
	return false
}

// clientIP returns the client address named by the first trusted header
// with a non-empty value, parsed as RoadRunner does: the for= of
// Forwarded, the left-most X-Forwarded-For entry, any other header
// verbatim. Like RoadRunner it does not check that the value is an IP
// (its test "non-address value is taken verbatim"): PHP gets what the
// trusted proxy said.
func (p *proxyIP) clientIP(h http.Header) string {
	for _, name := range p.headers {
		v := h.Get(name)
		if v == "" {
			continue
		}
		var cand string
		switch name {
		case "Forwarded":
			cand = forwardedFor(v)
		case "X-Forwarded-For":
			cand, _, _ = strings.Cut(v, ",")
		default:
			cand = v
		}
		if cand != "" {
			return cand
		}
	}
	return ""
}

// forwardedFor extracts the first for= value of an RFC 7239 Forwarded
// header, quotes trimmed, as RoadRunner's pattern `for=([^(;|,| )]+)` does.
func forwardedFor(v string) string {
	lower := strings.ToLower(v)
	i := strings.Index(lower, "for=")
	if i < 0 {
		return ""
	}
	rest := v[i+len("for="):]
	if end := strings.IndexAny(rest, "(;|, )"); end >= 0 {
		rest = rest[:end]
	}
	return strings.Trim(rest, `"`)
}
