package amqp

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/phprun/phprun/internal/fielderr"
)

// TLSConfig is RoadRunner's `amqp.tls` section: the client certificate
// phprun presents to RabbitMQ and the CA it trusts for RabbitMQ's own
// certificate. TLS is used with an amqps:// address.
type TLSConfig struct {
	// Key is the client certificate's private key file (PEM).
	Key string `koanf:"key"`
	// Cert is the client certificate file (PEM).
	Cert string `koanf:"cert"`
	// RootCA is a CA file (PEM) trusted, beside the system's, to verify
	// the broker's certificate: a private CA's brokers need it.
	RootCA string `koanf:"root_ca"`
	// ClientAuthType is RoadRunner's mTLS mode. It is a server's setting
	// (RabbitMQ's ssl_options.verify and fail_if_no_peer_cert decide
	// whether the certificate is required); phprun checks the value and
	// always presents its certificate.
	ClientAuthType string `koanf:"client_auth_type"`
}

// clientAuthTypes are RoadRunner's values of client_auth_type.
var clientAuthTypes = []string{"no_client_certs", "request_client_cert", "require_any_client_cert", "verify_client_cert_if_given", "require_and_verify_client_cert"}

// enabled: the section names a certificate, key or CA.
func (t TLSConfig) enabled() bool { return t.Key != "" || t.Cert != "" || t.RootCA != "" }

// Validate names the key at fault: key and cert go together, files must
// be readable, client_auth_type one of RoadRunner's values.
func (t TLSConfig) Validate() error {
	var errs []error
	if (t.Key == "") != (t.Cert == "") {
		errs = append(errs, fielderr.New("amqp.tls", "key and cert go together: set both (got key %q, cert %q)", t.Key, t.Cert))
	}
	for _, f := range []struct{ key, path string }{{"key", t.Key}, {"cert", t.Cert}, {"root_ca", t.RootCA}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			errs = append(errs, fielderr.New("amqp.tls."+f.key, "%v", err))
		}
	}
	if t.ClientAuthType != "" && !slices.Contains(clientAuthTypes, t.ClientAuthType) {
		errs = append(errs, fielderr.New("amqp.tls.client_auth_type", "want one of %s, got %q", strings.Join(clientAuthTypes, ", "), t.ClientAuthType))
	}
	return errors.Join(errs...)
}

// Map is the section as the driver reads it from jobs.Options.Global["tls"].
func (t TLSConfig) Map() map[string]any {
	return map[string]any{"key": t.Key, "cert": t.Cert, "root_ca": t.RootCA, "client_auth_type": t.ClientAuthType}
}

// tlsFromGlobal reads the tls map of the global section (nil: no TLS).
func tlsFromGlobal(g map[string]any) TLSConfig {
	m, _ := g["tls"].(map[string]any)
	s := func(k string) string { v, _ := m[k].(string); return v }
	return TLSConfig{Key: s("key"), Cert: s("cert"), RootCA: s("root_ca"), ClientAuthType: s("client_auth_type")}
}

// clientConfig builds the tls.Config of a connection; serverName is the
// broker's host, which its certificate must name.
func (t TLSConfig) clientConfig(serverName string) (*tls.Config, error) {
	c := &tls.Config{ServerName: serverName, MinVersion: tls.VersionTLS12}
	if t.Cert != "" {
		cert, err := tls.LoadX509KeyPair(t.Cert, t.Key)
		if err != nil {
			return nil, fmt.Errorf("amqp.tls: load cert %s and key %s: %w", t.Cert, t.Key, err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	if t.RootCA != "" {
		pem, err := os.ReadFile(t.RootCA)
		if err != nil {
			return nil, fmt.Errorf("amqp.tls.root_ca: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("amqp.tls.root_ca: %s holds no PEM certificate", t.RootCA)
		}
		c.RootCAs = pool
	}
	return c, nil
}

// certificateError: the TLS handshake failed on a certificate, which
// retrying will not fix (a missing root_ca, a wrong host name, a client
// certificate the broker refuses).
func certificateError(err error) bool {
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	var verify *tls.CertificateVerificationError
	var alert tls.AlertError
	return errors.As(err, &unknown) || errors.As(err, &invalid) || errors.As(err, &host) || errors.As(err, &verify) || errors.As(err, &alert)
}
