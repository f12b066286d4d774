package amqp_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/amqp"
	"github.com/phprun/phprun/jobs/jobstest"
)

// openTLS opens a pipeline on the broker's amqps listener with tls as the
// global amqp.tls section.
func openTLS(t *testing.T, name string, q jobs.Queue, tls amqp.TLSConfig) (jobs.Driver, error) {
	t.Helper()
	d, err := amqp.Open(context.Background(), jobs.Options{
		Pipeline: jobs.Pipeline{Name: name, Driver: amqp.Name, Config: map[string]any{"queue": name, "routing_key": name, "exchange": "phprun-tls"}},
		Queue:    q,
		Global:   amqp.GlobalConfig{Addr: broker.TLSAddr, TLS: tls}.Map(),
	})
	if err == nil {
		t.Cleanup(func() { _ = d.Stop(context.Background()) })
	}
	return d, err
}

// With amqp.tls (client certificate and the private CA), jobs go through
// RabbitMQ's TLS listener, which refuses clients without a certificate.
func TestTLSPushConsume(t *testing.T) {
	c := jobstest.NewCollector()
	d, err := openTLS(t, "tls-ok", c, amqp.TLSConfig{Cert: certs.ClientCert, Key: certs.ClientKey, RootCA: certs.CA, ClientAuthType: "require_and_verify_client_cert"})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Push(context.Background(), &jobs.Job{ID: "t1", Name: "x", Pipeline: "tls-ok", Payload: []byte("over tls")}); err != nil {
		t.Fatal(err)
	}
	if err := d.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	dl := c.Next(t, 10*time.Second)
	if string(dl.Job().Payload) != "over tls" {
		t.Fatalf("payload %q", dl.Job().Payload)
	}
	if err := dl.Ack(); err != nil {
		t.Fatal(err)
	}
}

// A broker certificate the configured CA did not sign is refused at once,
// as an error to fix rather than a broker to wait for.
func TestTLSUnknownAuthority(t *testing.T) {
	_, err := openTLS(t, "tls-ca", jobstest.NewCollector(), amqp.TLSConfig{Cert: certs.ClientCert, Key: certs.ClientKey, RootCA: certs.OtherCA})
	if err == nil || errors.Is(err, jobs.ErrUnavailable) || !strings.Contains(err.Error(), "amqp.tls") || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("got %v; want a certificate error naming amqp.tls, not ErrUnavailable", err)
	}
}

// Without a client certificate the broker (fail_if_no_peer_cert) refuses
// the connection.
func TestTLSNoClientCert(t *testing.T) {
	if _, err := openTLS(t, "tls-nocert", jobstest.NewCollector(), amqp.TLSConfig{RootCA: certs.CA}); err == nil {
		t.Fatal("connected without a client certificate to a broker that requires one")
	}
}

// Bad tls keys name the key; tls with an amqp:// address says to use amqps.
func TestTLSConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		tls  amqp.TLSConfig
		want string
	}{
		{amqp.TLSConfig{Cert: certs.ClientCert}, "amqp.tls: key and cert go together"},
		{amqp.TLSConfig{Cert: certs.ClientCert, Key: "/nonexistent/key.pem"}, "amqp.tls.key"},
		{amqp.TLSConfig{RootCA: "/nonexistent/ca.pem"}, "amqp.tls.root_ca"},
		{amqp.TLSConfig{ClientAuthType: "sometimes"}, "amqp.tls.client_auth_type"},
	} {
		err := amqp.GlobalConfig{TLS: tc.tls}.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.tls, err, tc.want)
		}
	}
	if err := (amqp.GlobalConfig{TLS: amqp.TLSConfig{Cert: certs.ClientCert, Key: certs.ClientKey, ClientAuthType: "no_client_certs"}}).Validate(); err != nil {
		t.Errorf("a good section: %v", err)
	}
	_, err := amqp.Open(context.Background(), jobs.Options{
		Pipeline: jobs.Pipeline{Name: "plain", Driver: amqp.Name, Config: map[string]any{}},
		Queue:    jobstest.NewCollector(),
		Global:   amqp.GlobalConfig{Addr: broker.Addr, TLS: amqp.TLSConfig{RootCA: certs.CA}}.Map(),
	})
	if err == nil || !strings.Contains(err.Error(), "amqps://") {
		t.Fatalf("tls with an amqp:// address: %v", err)
	}
}
