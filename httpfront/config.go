package httpfront

import (
	"errors"
	"fmt"
	"github.com/phprun/phprun/internal/fielderr"
	"net"
	"os"
	"regexp"
	"strings"
	"time"
)

// Config is RoadRunner's `http` section (PROTOCOL.md 5.4) plus phprun's
// server timeouts. The worker pool (`http.pool`) is deliberately not part of
// it: it is engine.PoolConfig, owned and validated by the engine, and the
// config loader composes the two. Defaults come from DefaultConfig.
type Config struct {
	// Address is host:port for plain HTTP. Default "" (off); at least one
	// of address and ssl.address is required.
	Address string `koanf:"address"`
	// InternalErrorCode is the status for soft worker errors and other
	// failures RoadRunner maps to one code. Default 500.
	InternalErrorCode int `koanf:"internal_error_code"`
	// MaxRequestSize is the body limit in MB (×1024²); 0 means RoadRunner's
	// default of 1000. Bigger bodies get 413.
	MaxRequestSize uint64 `koanf:"max_request_size"`
	// RawBody sends urlencoded and multipart bodies to PHP unparsed (the
	// behaviour of RR ≥ 2024.1). Default false.
	RawBody bool `koanf:"raw_body"`
	// AccessLogs logs one line per request. Default false.
	AccessLogs bool `koanf:"access_logs"`
	// Middleware lists middleware by RoadRunner name, outermost first:
	// headers, gzip, static, sendfile, proxy_ip_parser. Any other name is
	// skipped with a warning (see Warnings), as RoadRunner does. Default none.
	Middleware []string `koanf:"middleware"`
	// Uploads configures multipart file uploads.
	Uploads UploadsConfig `koanf:"uploads"`
	// TrustedSubnets are the CIDRs whose forwarding headers proxy_ip_parser
	// believes. Default none (required when proxy_ip_parser is enabled).
	TrustedSubnets []string `koanf:"trusted_subnets"`
	// TrustedHeaders are the headers proxy_ip_parser consults, in order.
	// Default Forwarded, X-Forwarded-For, X-Real-Ip, True-Client-Ip,
	// Cf-Connecting-Ip.
	TrustedHeaders []string `koanf:"trusted_headers"`
	// Headers configures the headers middleware (and CORS).
	Headers HeadersConfig `koanf:"headers"`
	// Static configures the static middleware.
	Static StaticConfig `koanf:"static"`
	// SSL configures the TLS listener.
	SSL SSLConfig `koanf:"ssl"`
	// HTTP2 configures HTTP/2.
	HTTP2 HTTP2Config `koanf:"http2"`

	// ReadHeaderTimeout bounds reading a request's headers, so slow clients
	// cannot hold connections open (slowloris). Default 10s. phprun key.
	ReadHeaderTimeout time.Duration `koanf:"read_header_timeout"`
	// ReadTimeout bounds reading a whole request, body included. Default 0
	// (off: uploads of max_request_size can be slow). phprun key.
	ReadTimeout time.Duration `koanf:"read_timeout"`
	// WriteTimeout bounds writing a response. Default 0 (off: streamed
	// responses may run long). phprun key.
	WriteTimeout time.Duration `koanf:"write_timeout"`
	// IdleTimeout closes idle keep-alive connections. Default 120s. phprun key.
	IdleTimeout time.Duration `koanf:"idle_timeout"`
	// MaxHeaderBytes limits request header size; larger get 431. Default
	// 1 MiB. phprun key.
	MaxHeaderBytes int `koanf:"max_header_bytes"`
	// ShutdownTimeout bounds the drain when ListenAndServe's context ends.
	// Default 30s (RoadRunner's endure.grace_period). phprun key.
	ShutdownTimeout time.Duration `koanf:"shutdown_timeout"`
}

// defaultShutdownTimeout is http.shutdown_timeout's default; 0 in the file
// means it too, so that a drain always ends.
const defaultShutdownTimeout = 30 * time.Second

// DrainTimeout is how long a shutdown waits for requests in flight:
// ShutdownTimeout, or its default when that is 0.
func (c Config) DrainTimeout() time.Duration {
	if c.ShutdownTimeout > 0 {
		return c.ShutdownTimeout
	}
	return defaultShutdownTimeout
}

// UploadsConfig is `http.uploads`.
type UploadsConfig struct {
	// Dir holds upload temp files. Default "" = the OS temp dir.
	Dir string `koanf:"dir"`
	// Forbid lists extensions (".php") never written; such files get PHP
	// error 8. "" stands for files without an extension, as in RoadRunner.
	// Default none (RR ≥ 2024.3).
	Forbid []string `koanf:"forbid"`
	// Allow, when non-empty, lists the only extensions accepted. Forbid
	// wins over Allow. Default none (everything not forbidden).
	Allow []string `koanf:"allow"`
}

// HeadersConfig is `http.headers`.
type HeadersConfig struct {
	// Request headers are set on every request before it reaches PHP.
	Request map[string]string `koanf:"request"`
	// Response headers are set on every response.
	Response map[string]string `koanf:"response"`
	// CORS enables CORS handling when non-nil.
	CORS *CORSConfig `koanf:"cors"`
}

// CORSConfig is `http.headers.cors`. List values are comma-separated
// strings, as in RoadRunner.
type CORSConfig struct {
	AllowedOrigin        string `koanf:"allowed_origin"`         // "*" or a list of origins
	AllowedOriginRegex   string `koanf:"allowed_origin_regex"`   // matched against Origin
	AllowedHeaders       string `koanf:"allowed_headers"`        // "*" or a list
	AllowedMethods       string `koanf:"allowed_methods"`        // list
	AllowCredentials     bool   `koanf:"allow_credentials"`      // default false
	ExposedHeaders       string `koanf:"exposed_headers"`        // list
	MaxAge               int    `koanf:"max_age"`                // seconds; 0 = not sent, < 0 sends 0
	OptionsSuccessStatus int    `koanf:"options_success_status"` // preflight status, default 200
	Debug                bool   `koanf:"debug"`                  // log CORS decisions
}

// StaticConfig is `http.static`.
type StaticConfig struct {
	// Dir is the document root; it must exist, even when static is not in
	// http.middleware (as in RoadRunner). Default ".".
	Dir string `koanf:"dir"`
	// Forbid lists extensions never served (they fall through to PHP).
	// Empty entries are skipped, as RoadRunner does (`forbid: [""]`).
	Forbid []string `koanf:"forbid"`
	// Allow, when non-empty, lists the only extensions served. Empty
	// entries are skipped.
	Allow []string `koanf:"allow"`
	// CalculateEtag sends an ETag (CRC-32 of the content). Default false.
	CalculateEtag bool `koanf:"calculate_etag"`
	// Weak makes that ETag weak (W/"..."). Default false.
	Weak bool `koanf:"weak"`
	// Request headers are added to requests for static files.
	Request map[string]string `koanf:"request"`
	// Response headers are added to static file responses.
	Response map[string]string `koanf:"response"`
}

// SSLConfig is `http.ssl`.
type SSLConfig struct {
	// Address is host:port for HTTPS; TLS is on when Cert and Key are set.
	// Default "127.0.0.1:443".
	Address string `koanf:"address"`
	// Redirect makes the plain listener answer 308 to the https URL.
	Redirect bool `koanf:"redirect"`
	// Cert and Key are PEM file paths.
	Cert string `koanf:"cert"`
	Key  string `koanf:"key"`
	// RootCA is a PEM bundle of client CAs (mutual TLS).
	RootCA string `koanf:"root_ca"`
	// ClientAuthType is one of no_client_certs (default),
	// request_client_cert, require_any_client_cert,
	// verify_client_cert_if_given, require_and_verify_client_cert.
	ClientAuthType string `koanf:"client_auth_type"`
}

// HTTP2Config is `http.http2`. HTTP/2 is always offered over TLS.
type HTTP2Config struct {
	// H2C serves HTTP/2 without TLS (prior knowledge) on Address. Default false.
	H2C bool `koanf:"h2c"`
	// MaxConcurrentStreams per connection. Default 128.
	MaxConcurrentStreams uint32 `koanf:"max_concurrent_streams"`
}

// StatusConfig is the `status` section: the /health and /ready endpoints.
type StatusConfig struct {
	// Address is host:port; the endpoints are off when it is empty.
	Address string `koanf:"address"`
	// UnavailableStatusCode is returned when a check fails. Default 503.
	UnavailableStatusCode int `koanf:"unavailable_status_code"`
	// CheckTimeout is in seconds (as in RoadRunner) and bounds reading a
	// status request. Default 60.
	CheckTimeout int `koanf:"check_timeout"`
}

// DefaultTrustedHeaders is RoadRunner's proxy_ip_parser header order.
var defaultTrustedHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Real-Ip", "True-Client-Ip", "Cf-Connecting-Ip"}

// DefaultConfig returns the `http` defaults. Address is left empty.
func DefaultConfig() Config {
	return Config{
		InternalErrorCode: 500,
		MaxRequestSize:    1000,
		TrustedHeaders:    append([]string(nil), defaultTrustedHeaders...),
		Static:            StaticConfig{Dir: "."},
		SSL:               SSLConfig{Address: "127.0.0.1:443", ClientAuthType: "no_client_certs"},
		HTTP2:             HTTP2Config{MaxConcurrentStreams: 128},
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
		ShutdownTimeout:   defaultShutdownTimeout,
	}
}

// DefaultStatusConfig returns the `status` defaults. Address is left empty.
func DefaultStatusConfig() StatusConfig {
	return StatusConfig{UnavailableStatusCode: 503, CheckTimeout: 60}
}

// middleware names phprun implements; any other is skipped with a warning.
var (
	knownMiddleware = map[string]bool{"headers": true, "gzip": true, "static": true, "sendfile": true, "proxy_ip_parser": true}
	clientAuthTypes = map[string]bool{"": true, "no_client_certs": true, "request_client_cert": true,
		"require_any_client_cert": true, "verify_client_cert_if_given": true, "require_and_verify_client_cert": true}
)

// TLSEnabled reports whether the TLS listener is configured.
func (c Config) TLSEnabled() bool { return c.SSL.Cert != "" || c.SSL.Key != "" }

// hasMiddleware reports whether name is listed in Middleware.
func (c Config) hasMiddleware(name string) bool {
	for _, m := range c.Middleware {
		if m == name {
			return true
		}
	}
	return false
}

// maxRequestBytes is the effective body limit in bytes.
func (c Config) maxRequestBytes() int64 {
	mb := c.MaxRequestSize
	if mb == 0 {
		mb = 1000
	}
	if mb > 1<<42 { // would overflow; no body can be that big anyway
		mb = 1 << 42
	}
	return int64(mb) << 20
}

// Validate reports every problem of c at once, naming keys as they appear
// in the config file ("http.max_request_size: ..."). It never changes c and
// touches the file system only to check that paths exist.
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) { errs = append(errs, fielderr.New(key, format, args...)) }

	if c.Address == "" && !c.TLSEnabled() {
		add("http.address", "required (or configure http.ssl.cert and http.ssl.key)")
	}
	if c.Address != "" {
		if _, _, err := net.SplitHostPort(c.Address); err != nil {
			add("http.address", "want host:port, got %q", c.Address)
		}
	}
	if c.InternalErrorCode < 400 || c.InternalErrorCode > 599 {
		add("http.internal_error_code", "must be a 4xx or 5xx status, got %d", c.InternalErrorCode)
	}
	for _, l := range []struct {
		key  string
		exts []string
	}{{"http.uploads.forbid", c.Uploads.Forbid}, {"http.uploads.allow", c.Uploads.Allow},
		{"http.static.forbid", c.Static.Forbid}, {"http.static.allow", c.Static.Allow}} {
		for i, e := range l.exts {
			if e == "" { // RoadRunner accepts it (forbid: [""]); see normExts
				continue
			}
			if strings.TrimPrefix(e, ".") == "" || strings.ContainsAny(e, "/\\") {
				add(fmt.Sprintf("%s[%d]", l.key, i), "want an extension such as \".php\", got %q", e)
			}
		}
	}
	for i, s := range c.TrustedSubnets {
		if _, _, err := net.ParseCIDR(s); err != nil {
			add(fmt.Sprintf("http.trusted_subnets[%d]", i), "want a CIDR such as 10.0.0.0/8, got %q", s)
		}
	}
	if c.hasMiddleware("proxy_ip_parser") && len(c.TrustedSubnets) == 0 {
		add("http.trusted_subnets", "required when proxy_ip_parser is in http.middleware")
	}
	for i, h := range c.TrustedHeaders {
		if h == "" || strings.ContainsAny(h, " :\r\n") {
			add(fmt.Sprintf("http.trusted_headers[%d]", i), "invalid header name %q", h)
		}
	}
	if c.Static.Dir != "" || c.hasMiddleware("static") {
		// RoadRunner's static plugin refuses to start without its root,
		// listed in http.middleware or not (its TestStaticDisabled_Error).
		// The default "." always exists.
		if fi, err := os.Stat(c.Static.Dir); err != nil || !fi.IsDir() {
			add("http.static.dir", "root directory %q does not exist or is not a directory", c.Static.Dir)
		}
	}
	if cors := c.Headers.CORS; cors != nil {
		if cors.AllowedOriginRegex != "" {
			if _, err := regexp.Compile(cors.AllowedOriginRegex); err != nil {
				errs = append(errs, fielderr.Wrap("http.headers.cors.allowed_origin_regex", err))
			}
		}
		if s := cors.OptionsSuccessStatus; s != 0 && (s < 200 || s > 299) {
			add("http.headers.cors.options_success_status", "must be 2xx, got %d", s)
		}
	}
	if c.TLSEnabled() {
		if c.SSL.Cert == "" || c.SSL.Key == "" {
			add("http.ssl", "cert and key are both required")
		}
		for _, f := range []struct{ key, path string }{{"http.ssl.cert", c.SSL.Cert}, {"http.ssl.key", c.SSL.Key}, {"http.ssl.root_ca", c.SSL.RootCA}} {
			if f.path == "" {
				continue
			}
			if _, err := os.Stat(f.path); err != nil {
				errs = append(errs, fielderr.Wrap(f.key, err))
			}
		}
		if _, _, err := net.SplitHostPort(c.SSL.Address); err != nil {
			add("http.ssl.address", "want host:port, got %q", c.SSL.Address)
		}
	}
	if c.SSL.Redirect && !c.TLSEnabled() {
		add("http.ssl.redirect", "needs http.ssl.cert and http.ssl.key")
	}
	if !clientAuthTypes[c.SSL.ClientAuthType] {
		add("http.ssl.client_auth_type", "unknown value %q", c.SSL.ClientAuthType)
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{"http.read_header_timeout", c.ReadHeaderTimeout}, {"http.read_timeout", c.ReadTimeout},
		{"http.write_timeout", c.WriteTimeout}, {"http.idle_timeout", c.IdleTimeout}, {"http.shutdown_timeout", c.ShutdownTimeout}} {
		if d.v < 0 {
			add(d.key, "must not be negative, got %v", d.v)
		}
	}
	if c.MaxHeaderBytes < 0 {
		add("http.max_header_bytes", "must not be negative, got %d", c.MaxHeaderBytes)
	}
	return errors.Join(errs...)
}

// Validate reports every problem of the status section at once.
func (c StatusConfig) Validate() error {
	var errs []error
	if c.Address != "" {
		if _, _, err := net.SplitHostPort(c.Address); err != nil {
			errs = append(errs, fielderr.New("status.address", "want host:port, got %q", c.Address))
		}
	}
	if c.UnavailableStatusCode < 400 || c.UnavailableStatusCode > 599 {
		errs = append(errs, fielderr.New("status.unavailable_status_code", "must be 4xx or 5xx, got %d", c.UnavailableStatusCode))
	}
	if c.CheckTimeout < 0 {
		errs = append(errs, fielderr.New("status.check_timeout", "must not be negative, got %d", c.CheckTimeout))
	}
	return errors.Join(errs...)
}

// Warnings lists what RoadRunner accepts with a warning and phprun skips:
// middleware names it does not implement. Validate stays quiet about them;
// New logs these, and the config loader prints them with the rest.
func (c Config) Warnings() []string {
	var out []string
	for i, m := range c.Middleware {
		if !knownMiddleware[m] {
			out = append(out, fmt.Sprintf("http.middleware[%d]: middleware %q is not available in phprun; skipped", i, m))
		}
	}
	return out
}

// normExts lower-cases extensions and makes sure each starts with a dot.
// An empty entry is kept only when keepEmpty is set: it then stands for
// names without an extension (RoadRunner's uploads); static drops it.
func normExts(exts []string, keepEmpty bool) map[string]bool {
	if len(exts) == 0 {
		return nil
	}
	m := make(map[string]bool, len(exts))
	for _, e := range exts {
		e = strings.ToLower(e)
		if e == "" {
			if keepEmpty {
				m[""] = true
			}
			continue
		}
		if !strings.HasPrefix(e, ".") {
			e = "." + e
		}
		m[e] = true
	}
	if len(m) == 0 {
		return nil
	}
	return m
}
