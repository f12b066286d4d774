package httpfront

import (
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// cors answers CORS as RoadRunner's headers middleware does: RoadRunner
// hands its config to rs/cors, so the rules here are rs/cors's. "*" in
// allowed_origin answers "*" (credentials or not); allowed_origin_regex,
// when set, replaces the origin list; an origin may hold one "*"
// wildcard ("https://*.example.com"). A preflight echoes the requested
// method and the requested headers once they are allowed, and is answered
// with options_success_status (200) whatever the outcome. Methods are
// also checked on actual requests, as rs/cors does.
type cors struct {
	anyOrigin     bool
	origins       map[string]bool // lower-case
	wildcards     [][2]string     // prefix, suffix of "a*b" origins
	originRegex   *regexp.Regexp
	anyHeader     bool
	headers       map[string]bool // lower-case
	methods       map[string]bool
	credentials   bool
	exposed       string
	maxAge        string
	successStatus int
	log           *slog.Logger // nil unless cors.debug
}

// defaultCORSHeaders are rs/cors's allowed headers when none are configured.
var defaultCORSHeaders = []string{"accept", "content-type", "x-requested-with"}

func newCORS(c CORSConfig, log *slog.Logger) *cors {
	x := &cors{origins: map[string]bool{}, headers: map[string]bool{}, methods: map[string]bool{},
		credentials: c.AllowCredentials, successStatus: c.OptionsSuccessStatus}
	switch {
	case c.AllowedOriginRegex != "":
		x.originRegex, _ = regexp.Compile(c.AllowedOriginRegex) // checked by Validate
	case c.AllowedOrigin == "":
		x.anyOrigin = true // rs/cors: no list means every origin
	default:
		for _, o := range splitList(c.AllowedOrigin) {
			o = strings.ToLower(o)
			if o == "*" {
				x.anyOrigin = true
			} else if pre, suf, ok := strings.Cut(o, "*"); ok {
				x.wildcards = append(x.wildcards, [2]string{pre, suf})
			} else {
				x.origins[o] = true
			}
		}
	}
	hs := splitList(c.AllowedHeaders)
	if len(hs) == 0 {
		hs = defaultCORSHeaders
	}
	for _, h := range hs {
		if h == "*" {
			x.anyHeader = true
		}
		x.headers[strings.ToLower(h)] = true
	}
	methods := splitList(c.AllowedMethods)
	if len(methods) == 0 {
		methods = []string{"GET", "POST", "HEAD"}
	}
	for _, m := range methods {
		x.methods[strings.ToUpper(m)] = true
	}
	exposed := splitList(c.ExposedHeaders)
	for i, e := range exposed {
		exposed[i] = http.CanonicalHeaderKey(e)
	}
	x.exposed = strings.Join(exposed, ", ")
	if c.MaxAge > 0 {
		x.maxAge = strconv.Itoa(c.MaxAge)
	} else if c.MaxAge < 0 {
		x.maxAge = "0" // "do not cache the preflight", as rs/cors says it
	}
	if x.successStatus == 0 {
		x.successStatus = http.StatusOK // RoadRunner's choice; rs/cors would say 204
	}
	if c.Debug {
		x.log = log
	}
	return x
}

func (c *cors) originAllowed(origin string) bool {
	if c.originRegex != nil {
		return c.originRegex.MatchString(origin)
	}
	if c.anyOrigin {
		return true
	}
	origin = strings.ToLower(origin)
	if c.origins[origin] {
		return true
	}
	for _, w := range c.wildcards {
		if len(origin) >= len(w[0])+len(w[1]) && strings.HasPrefix(origin, w[0]) && strings.HasSuffix(origin, w[1]) {
			return true
		}
	}
	return false
}

func (c *cors) methodAllowed(m string) bool {
	return m == http.MethodOptions || c.methods[strings.ToUpper(m)]
}

// headersAllowed reports whether every name listed in the preflight's
// Access-Control-Request-Headers values is allowed.
func (c *cors) headersAllowed(values []string) bool {
	if c.anyHeader {
		return true
	}
	for _, v := range values {
		for _, name := range splitList(v) {
			if !c.headers[strings.ToLower(name)] {
				return false
			}
		}
	}
	return true
}

func (c *cors) allowOrigin(h http.Header, r *http.Request) {
	if c.anyOrigin && c.originRegex == nil {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	}
}

// handle adds CORS headers; it answers preflight requests itself and then
// returns true.
func (c *cors) handle(w http.ResponseWriter, r *http.Request) bool {
	h := w.Header()
	origin := r.Header.Get("Origin")
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		h.Add("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
		c.preflight(h, r, origin)
		w.WriteHeader(c.successStatus)
		return true
	}
	h.Add("Vary", "Origin")
	switch {
	case origin == "":
	case !c.originAllowed(origin):
		c.debug("cors: origin not allowed", origin)
	case !c.methodAllowed(r.Method):
		c.debug("cors: method not allowed", r.Method)
	default:
		c.allowOrigin(h, r)
		if c.exposed != "" {
			h.Set("Access-Control-Expose-Headers", c.exposed)
		}
		if c.credentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
	}
	return false
}

// preflight sets the headers of a preflight answer, or none when the
// origin, method or headers are not allowed.
func (c *cors) preflight(h http.Header, r *http.Request, origin string) {
	if origin == "" {
		return
	}
	if !c.originAllowed(origin) {
		c.debug("cors: origin not allowed", origin)
		return
	}
	method := r.Header.Get("Access-Control-Request-Method")
	if !c.methodAllowed(method) {
		c.debug("cors: method not allowed", method)
		return
	}
	reqHeaders, found := r.Header["Access-Control-Request-Headers"]
	if found && !c.headersAllowed(reqHeaders) {
		c.debug("cors: headers not allowed", strings.Join(reqHeaders, ", "))
		return
	}
	c.allowOrigin(h, r)
	h.Set("Access-Control-Allow-Methods", method)
	if found && len(reqHeaders[0]) > 0 {
		h["Access-Control-Allow-Headers"] = reqHeaders
	}
	if c.credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if c.maxAge != "" {
		h.Set("Access-Control-Max-Age", c.maxAge)
	}
}

func (c *cors) debug(msg, v string) {
	if c.log != nil {
		c.log.Debug("http: "+msg, slog.String("value", v))
	}
}
