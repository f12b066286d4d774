package amqp_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// testCerts are the PEM files of a private CA, a server certificate for
// 127.0.0.1 and a client certificate, both signed by the CA, and a CA
// that signed neither (to see verification fail).
type testCerts struct {
	dir                                                       string
	CA, ServerCert, ServerKey, ClientCert, ClientKey, OtherCA string
}

// makeCerts writes fresh certificates into a new temporary directory.
func makeCerts() (*testCerts, error) {
	dir, err := os.MkdirTemp("", "phprun-amqp-tls-")
	if err != nil {
		return nil, err
	}
	c := &testCerts{dir: dir}
	caKey, caCert, caDER, err := newCA("phprun test CA")
	if err != nil {
		return nil, err
	}
	_, _, otherDER, err := newCA("phprun other CA")
	if err != nil {
		return nil, err
	}
	write := func(name, typ string, der []byte) (string, error) {
		path := filepath.Join(dir, name)
		return path, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600)
	}
	if c.CA, err = write("ca.pem", "CERTIFICATE", caDER); err != nil {
		return nil, err
	}
	if c.OtherCA, err = write("other-ca.pem", "CERTIFICATE", otherDER); err != nil {
		return nil, err
	}
	for _, leaf := range []struct {
		name      string
		usage     x509.ExtKeyUsage
		cert, key *string
	}{
		{"server", x509.ExtKeyUsageServerAuth, &c.ServerCert, &c.ServerKey},
		{"client", x509.ExtKeyUsageClientAuth, &c.ClientCert, &c.ClientKey},
	} {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(time.Now().UnixNano()),
			Subject:      pkix.Name{CommonName: "phprun test " + leaf.name},
			NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{leaf.usage},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			return nil, fmt.Errorf("%s certificate: %w", leaf.name, err)
		}
		kder, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			return nil, err
		}
		if *leaf.cert, err = write(leaf.name+".pem", "CERTIFICATE", der); err != nil {
			return nil, err
		}
		if *leaf.key, err = write(leaf.name+"-key.pem", "EC PRIVATE KEY", kder); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func newCA(name string) (*ecdsa.PrivateKey, *x509.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	return key, cert, der, err
}
