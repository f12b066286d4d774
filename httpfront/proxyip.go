package httpfront

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// proxyIP is RoadRunner's `proxy_ip_parser`: when the peer is inside a
// trusted subnet, the client address is taken from the first trusted
// header that holds a valid IP, and replaces r.RemoteAddr (so PHP's
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
// that carries a valid one. X-Forwarded-For yields its left-most entry.
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
		if ip := parseIP(strings.TrimSpace(cand)); ip != "" {
			return ip
		}
	}
	return ""
}

// forwardedFor extracts the first for= of an RFC 7239 Forwarded header.
func forwardedFor(v string) string {
	first, _, _ := strings.Cut(v, ",")
	for pair := range strings.SplitSeq(first, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if ok && strings.EqualFold(k, "for") {
			val = strings.Trim(val, `"`)
			if strings.HasPrefix(val, "[") { // "[2001:db8::1]:4711"
				if end := strings.IndexByte(val, ']'); end > 0 {
					return val[1:end]
				}
			}
			if host, _, err := net.SplitHostPort(val); err == nil {
				return host
			}
			return val
		}
	}
	return ""
}

// parseIP returns the canonical text of s if it is an IP address.
func parseIP(s string) string {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return ""
	}
	return ip.Unmap().String()
}
