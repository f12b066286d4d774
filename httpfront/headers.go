package httpfront

import (
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// headersMiddleware is RoadRunner's `headers` middleware: fixed request
// headers for PHP, fixed response headers, and CORS.
type headersMiddleware struct {
	next     http.Handler
	request  map[string]string
	response map[string]string
	cors     *cors
}

func newHeaders(c HeadersConfig, next http.Handler, log *slog.Logger) *headersMiddleware {
	h := &headersMiddleware{next: next, request: c.Request, response: c.Response}
	if c.CORS != nil {
		h.cors = newCORS(*c.CORS, log)
	}
	return h
}

func (h *headersMiddleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range h.request {
		r.Header.Set(k, v)
	}
	for k, v := range h.response {
		w.Header().Set(k, v)
	}
	if h.cors != nil && h.cors.handle(w, r) {
		return
	}
	h.next.ServeHTTP(w, r)
}

// cors implements the CORS subset RoadRunner configures (it uses rs/cors
// with these options): origin lists and regex, methods, headers,
// credentials, exposed headers, max age and the preflight status.
type cors struct {
	anyOrigin      bool
	origins        map[string]bool
	originRegex    *regexp.Regexp
	anyHeader      bool
	allowedHeaders map[string]bool
	headersValue   string
	methods        map[string]bool
	methodsValue   string
	credentials    bool
	exposed        string
	maxAge         string
	successStatus  int
	log            *slog.Logger // nil unless cors.debug
}

func newCORS(c CORSConfig, log *slog.Logger) *cors {
	x := &cors{origins: map[string]bool{}, allowedHeaders: map[string]bool{}, methods: map[string]bool{},
		credentials: c.AllowCredentials, successStatus: c.OptionsSuccessStatus}
	for _, o := range splitList(c.AllowedOrigin) {
		if o == "*" {
			x.anyOrigin = true
		}
		x.origins[strings.ToLower(o)] = true
	}
	if c.AllowedOriginRegex != "" {
		x.originRegex, _ = regexp.Compile(c.AllowedOriginRegex) // checked by Validate
	}
	var hs []string
	for _, h := range splitList(c.AllowedHeaders) {
		if h == "*" {
			x.anyHeader = true
			continue
		}
		h = http.CanonicalHeaderKey(h)
		x.allowedHeaders[h] = true
		hs = append(hs, h)
	}
	x.headersValue = strings.Join(hs, ", ")
	methods := splitList(c.AllowedMethods)
	if len(methods) == 0 {
		methods = []string{"GET", "POST", "HEAD"}
	}
	for i, m := range methods {
		methods[i] = strings.ToUpper(m)
		x.methods[methods[i]] = true
	}
	x.methodsValue = strings.Join(methods, ", ")
	x.exposed = strings.Join(splitList(c.ExposedHeaders), ", ")
	if c.MaxAge > 0 {
		x.maxAge = strconv.Itoa(c.MaxAge)
	}
	if x.successStatus == 0 {
		x.successStatus = http.StatusOK
	}
	if c.Debug {
		x.log = log
	}
	return x
}

func (c *cors) originAllowed(origin string) bool {
	if c.anyOrigin || c.origins[strings.ToLower(origin)] {
		return true
	}
	return c.originRegex != nil && c.originRegex.MatchString(origin)
}

// handle adds CORS headers; it answers preflight requests itself and then
// returns true.
func (c *cors) handle(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	h := w.Header()
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	if preflight {
		h.Add("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
	} else {
		h.Add("Vary", "Origin")
	}
	if origin == "" {
		return false
	}
	if !c.originAllowed(origin) {
		c.debug("cors: origin not allowed", origin)
		if preflight {
			w.WriteHeader(c.successStatus)
			return true
		}
		return false
	}
	allowOrigin := origin
	if c.anyOrigin && !c.credentials {
		allowOrigin = "*"
	}
	if preflight {
		method := strings.ToUpper(r.Header.Get("Access-Control-Request-Method"))
		if !c.methods[method] {
			c.debug("cors: method not allowed", method)
			w.WriteHeader(c.successStatus)
			return true
		}
		reqHeaders := splitList(r.Header.Get("Access-Control-Request-Headers"))
		if !c.anyHeader {
			for _, rh := range reqHeaders {
				if !c.allowedHeaders[http.CanonicalHeaderKey(rh)] {
					c.debug("cors: header not allowed", rh)
					w.WriteHeader(c.successStatus)
					return true
				}
			}
		}
		h.Set("Access-Control-Allow-Origin", allowOrigin)
		h.Set("Access-Control-Allow-Methods", c.methodsValue)
		if len(reqHeaders) > 0 {
			if c.anyHeader {
				h.Set("Access-Control-Allow-Headers", strings.Join(reqHeaders, ", "))
			} else {
				h.Set("Access-Control-Allow-Headers", c.headersValue)
			}
		}
		if c.credentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if c.maxAge != "" {
			h.Set("Access-Control-Max-Age", c.maxAge)
		}
		w.WriteHeader(c.successStatus)
		return true
	}
	h.Set("Access-Control-Allow-Origin", allowOrigin)
	if c.credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if c.exposed != "" {
		h.Set("Access-Control-Expose-Headers", c.exposed)
	}
	return false
}

func (c *cors) debug(msg, v string) {
	if c.log != nil {
		c.log.Debug("http: "+msg, slog.String("value", v))
	}
}

// splitList splits a comma-separated header or config list, trimming
// blanks and dropping empty items.
func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
