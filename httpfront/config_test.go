package httpfront

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultConfigValid(t *testing.T) {
	c := DefaultConfig()
	c.Address = "127.0.0.1:8080"
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.maxRequestBytes() != 1000<<20 {
		t.Errorf("max request bytes %d", c.maxRequestBytes())
	}
	c.MaxRequestSize = 0 // RoadRunner: 0 means the default
	if c.maxRequestBytes() != 1000<<20 {
		t.Errorf("0 MB should mean 1000 MB, got %d", c.maxRequestBytes())
	}
	if err := DefaultStatusConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestValidateJoinsAllProblems checks that one call reports every bad key,
// each message naming its key as the config file spells it.
func TestValidateJoinsAllProblems(t *testing.T) {
	c := DefaultConfig()
	c.Address = "nope"
	c.InternalErrorCode = 200
	c.Middleware = []string{"gzip", "bogus", "otel"}
	c.Uploads.Forbid = []string{".php", "a/b"}
	c.Uploads.Dir = "/does/not/exist"
	c.TrustedSubnets = []string{"10.0.0.0/33"}
	c.Static.Dir = "/does/not/exist"
	c.Middleware = append(c.Middleware, "static", "proxy_ip_parser")
	c.Headers.CORS = &CORSConfig{AllowedOriginRegex: "(", OptionsSuccessStatus: 404}
	c.SSL = SSLConfig{Address: "x", Cert: "/missing.pem", ClientAuthType: "maybe"}
	c.ReadHeaderTimeout = -time.Second
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, key := range []string{
		"http.address:", "http.internal_error_code:", "http.uploads.forbid[1]:",
		"http.trusted_subnets[0]:", "http.static.dir:",
		"http.headers.cors.allowed_origin_regex:", "http.headers.cors.options_success_status:",
		"http.ssl: cert and key", "http.ssl.cert:", "http.ssl.address:", "http.ssl.client_auth_type:",
		"http.read_header_timeout:",
	} {
		if !strings.Contains(msg, key) {
			t.Errorf("missing %q in:\n%s", key, msg)
		}
	}
	// RoadRunner starts with an unknown middleware (a warning) and with a
	// missing uploads dir (each upload then reports error 6).
	for _, no := range []string{"otel", "bogus", "http.middleware", "http.uploads.dir"} {
		if strings.Contains(msg, no) {
			t.Errorf("%q must not be an error:\n%s", no, msg)
		}
	}
	if w := c.Warnings(); len(w) != 2 || !strings.Contains(w[0], `http.middleware[1]: middleware "bogus"`) || !strings.Contains(w[1], `"otel"`) {
		t.Errorf("warnings: %q", w)
	}
	// Validate never changes the config.
	if c.Address != "nope" || len(c.Middleware) != 5 {
		t.Error("Validate changed the config")
	}
}

func TestValidateProxyNeedsSubnets(t *testing.T) {
	c := DefaultConfig()
	c.Address = "127.0.0.1:1"
	c.Middleware = []string{"proxy_ip_parser"}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "http.trusted_subnets: required") {
		t.Errorf("got %v", err)
	}
}

func TestStatusConfigValidate(t *testing.T) {
	c := StatusConfig{Address: "bad", UnavailableStatusCode: 200, CheckTimeout: -1}
	err := c.Validate()
	for _, key := range []string{"status.address:", "status.unavailable_status_code:", "status.check_timeout:"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("missing %s in %v", key, err)
		}
	}
}
