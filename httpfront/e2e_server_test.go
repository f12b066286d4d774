package httpfront

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/access"
)

func TestE2EH2C(t *testing.T) {
	pool := startPool(t, "echo", 1, nil, nil)
	cfg := testConfig()
	cfg.HTTP2.H2C = true
	f := startFront(t, cfg, pool, Options{})
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	resp, body := do(t, &http.Client{Transport: tr, Timeout: 5 * time.Second}, mustReq(t, "GET", f.url+"/h2?x=1"))
	e := decodeEcho(t, body)
	if resp.ProtoMajor != 2 || e.Protocol != "HTTP/2.0" || e.URI != f.url+"/h2?x=1" {
		t.Errorf("proto %s, PHP saw %q %q", resp.Proto, e.Protocol, e.URI)
	}
	// HTTP/1.1 keeps working on the same port.
	if resp, _ := get(t, f.url+"/"); resp.ProtoMajor != 1 || resp.StatusCode != 200 {
		t.Errorf("HTTP/1.1: %s %d", resp.Proto, resp.StatusCode)
	}
}

func mustReq(t testing.TB, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// selfSigned writes a loopback certificate and key and returns their paths
// and a pool trusting the certificate.
func selfSigned(t testing.TB) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "phprun test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}

func TestE2ETLS(t *testing.T) {
	certFile, keyFile, roots := selfSigned(t)
	pool := startPool(t, "echo", 1, nil, nil)
	cfg := testConfig()
	cfg.SSL = SSLConfig{Address: "127.0.0.1:0", Cert: certFile, Key: keyFile, Redirect: true}
	f := startFront(t, cfg, pool, Options{})
	tlsURL := "https://" + f.srv.TLSAddr()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}}

	resp, body := do(t, client, mustReq(t, "GET", tlsURL+"/secure?q=1"))
	e := decodeEcho(t, body)
	if resp.ProtoMajor != 2 || e.Protocol != "HTTP/2.0" || e.URI != tlsURL+"/secure?q=1" {
		t.Errorf("TLS: %s, PHP saw %q %q", resp.Proto, e.Protocol, e.URI)
	}
	// http.ssl.redirect: the plain port answers 308 to https.
	noFollow := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _ = do(t, noFollow, mustReq(t, "GET", f.url+"/a?b=c"))
	_, port, _ := net.SplitHostPort(f.srv.TLSAddr())
	if resp.StatusCode != 308 || resp.Header.Get("Location") != "https://127.0.0.1:"+port+"/a?b=c" {
		t.Errorf("redirect: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// The TLS handshakes phprun runs itself (tlsListener): a client that never
// finishes one is dropped after net/http's handshake timeout with a log
// line, and one stuck in it does not hold up Shutdown.
func TestE2ETLSHandshakeBounded(t *testing.T) {
	certFile, keyFile, _ := selfSigned(t)
	cfg := testConfig()
	cfg.ReadHeaderTimeout = 300 * time.Millisecond
	cfg.SSL = SSLConfig{Address: "127.0.0.1:0", Cert: certFile, Key: keyFile}
	f := startFront(t, cfg, stubExec{}, Options{})
	dropped := func(c net.Conn, within time.Duration) {
		t.Helper()
		start := time.Now()
		c.SetReadDeadline(start.Add(5 * time.Second))
		if n, err := c.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) || time.Since(start) > within {
			t.Fatalf("silent client: read %d bytes, %v after %v; want the connection closed within %v", n, err, time.Since(start), within)
		}
	}
	silent, err := net.Dial("tcp", f.srv.TLSAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	dropped(silent, 3*time.Second)
	waitFor(t, func() bool {
		return strings.Contains(f.logs.String(), "TLS handshake error from "+silent.LocalAddr().String())
	})

	// Without any timeout the handshake would wait forever: Shutdown
	// closes it.
	cfg.ReadHeaderTimeout = 0
	f = startFront(t, cfg, stubExec{}, Options{})
	stuck, err := net.Dial("tcp", f.srv.TLSAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	io.WriteString(stuck, "\x16\x03\x01") // the start of a ClientHello, then nothing
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := f.srv.Shutdown(ctx); err != nil || time.Since(start) > time.Second {
		t.Fatalf("Shutdown with a handshake in progress: %v after %v", err, time.Since(start))
	}
	dropped(stuck, time.Second)
}

// Client certificates are asked for in the handshake phprun runs:
// require_any_client_cert refuses a client without one and serves a
// client with one, over HTTP/1.1 and HTTP/2.
func TestE2ETLSClientCert(t *testing.T) {
	certFile, keyFile, roots := selfSigned(t)
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	cfg.SSL = SSLConfig{Address: "127.0.0.1:0", Cert: certFile, Key: keyFile, ClientAuthType: "require_any_client_cert"}
	f := startFront(t, cfg, stubExec{}, Options{})
	url := "https://" + f.srv.TLSAddr() + "/"
	for _, h2 := range []bool{false, true} {
		with := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{ForceAttemptHTTP2: h2,
			TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{pair}}}}
		resp, _ := do(t, with, mustReq(t, "GET", url))
		if resp.StatusCode != http.StatusServiceUnavailable || (resp.ProtoMajor == 2) != h2 {
			t.Errorf("with a client certificate (h2 %v): %s %d, want the stub's 503", h2, resp.Proto, resp.StatusCode)
		}
		without := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{ForceAttemptHTTP2: h2,
			TLSClientConfig: &tls.Config{RootCAs: roots}}}
		if resp, err := without.Get(url); err == nil {
			resp.Body.Close()
			t.Errorf("without a client certificate (h2 %v): %d, want a handshake failure", h2, resp.StatusCode)
		}
	}
	waitFor(t, func() bool { return strings.Contains(f.logs.String(), "TLS handshake error") })
}

func TestE2EStatusAndDrain(t *testing.T) {
	pool := startPool(t, "slow", 1, nil, nil)
	f := startFront(t, testConfig(), pool, Options{})
	sc := DefaultStatusConfig()
	sc.Address = "127.0.0.1:0"
	st, err := NewStatus(sc, nil, f.srv)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Listen(); err != nil {
		t.Fatal(err)
	}
	stDone := make(chan error, 1)
	go func() { stDone <- st.ListenAndServe(context.Background()) }()
	base := "http://" + st.Addr()
	check := func(path string, wantStatus int, wantMsg string) {
		t.Helper()
		resp, body := get(t, base+path)
		var entries []statusEntry
		if err := json.Unmarshal([]byte(body), &entries); err != nil {
			t.Fatalf("%s: %q: %v", path, body, err)
		}
		if resp.StatusCode != wantStatus || len(entries) != 1 || entries[0].PluginName != "http" ||
			entries[0].StatusCode != wantStatus || entries[0].ErrorMessage != wantMsg {
			t.Errorf("%s: %d %s, want %d %q", path, resp.StatusCode, body, wantStatus, wantMsg)
		}
	}
	check("/health", 200, "")
	check("/ready", 200, "")
	check("/health?plugin=http", 200, "")
	if _, body := get(t, base+"/health?plugin=jobs"); body != "[]" {
		t.Errorf("unknown plugin: %q", body)
	}

	// The only worker busy: healthy, not ready.
	slow := make(chan string, 1)
	go func() {
		resp, err := http.Get(f.url + "/?ms=600")
		if err != nil {
			slow <- err.Error()
			return
		}
		defer resp.Body.Close()
		b := make([]byte, 64)
		n, _ := resp.Body.Read(b)
		slow <- string(b[:n])
	}()
	waitFor(t, func() bool { return pool.Stats().Count(engine.StateWorking) == 1 })
	check("/health", 200, "")
	check("/ready", 503, "internal server error, see logs") // RoadRunner's text

	// Draining: /ready 503 with RoadRunner's message, /health stays 200,
	// and Shutdown waits for the in-flight request.
	shutdownDone := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shutdownDone <- f.srv.Shutdown(ctx)
	}()
	waitFor(t, func() bool { code, _ := f.srv.Ready(); return code == 503 })
	// RoadRunner answers both in plain text while shutting down.
	for _, c := range []struct {
		path string
		code int
	}{{"/ready", 503}, {"/health", 200}} {
		if resp, body := get(t, base+c.path); resp.StatusCode != c.code || body != "service is shutting down\n" {
			t.Errorf("%s while draining: %d %q", c.path, resp.StatusCode, body)
		}
	}
	// /ready turns 503 before the listener closes (RoadRunner's order), so
	// the refusal may come a moment later.
	refused := false
	for range 50 {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(f.url, "http://"), time.Second)
		if err != nil {
			refused = true
			break
		}
		_ = c.Close()
		time.Sleep(5 * time.Millisecond)
	}
	if !refused {
		t.Error("new connections still accepted while draining")
	}
	if got := <-slow; got != "slept 600 ms" {
		t.Errorf("in-flight request during drain: %q", got)
	}
	if err := <-shutdownDone; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := st.Shutdown(context.Background()); err != nil {
		t.Error(err)
	}
	if err := <-stDone; err != nil {
		t.Errorf("status ListenAndServe: %v", err)
	}
}

func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	for range 200 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not reached in 2s")
}

func TestE2EAccessRecords(t *testing.T) {
	pool := startPool(t, "special", 1, nil, nil)
	var mu sync.Mutex
	var recs []access.Record
	cfg := testConfig()
	cfg.AccessLogs = true
	f := startFront(t, cfg, pool, Options{Access: func(r *access.Record) {
		mu.Lock()
		recs = append(recs, *r)
		mu.Unlock()
	}})
	pid := pool.Stats().Workers[0].PID
	get(t, f.url+"/?a=1")
	get(t, f.url+"/status?code=999")
	// Failed requests name the worker they reached: a soft error (500)
	// and a crash (502, the worker is replaced).
	get(t, f.url+"/error")
	get(t, f.url+"/exit")
	mu.Lock()
	defer mu.Unlock()
	if len(recs) != 4 {
		t.Fatalf("records: %+v", recs)
	}
	for _, r := range recs[2:] {
		if r.PID != pid || r.Status < 500 || r.Error == "" {
			t.Errorf("failed request's record: %+v, want pid %d, a 5xx and the error", r, pid)
		}
	}
	for _, path := range []string{"/status", "/error", "/exit"} {
		want := "path=" + path + " status=50"
		for _, msg := range []string{`msg="http: request failed"`, `msg="http access"`} {
			if !hasLogLine(f.logs.String(), msg, want, "pid="+strconv.Itoa(pid)) {
				t.Errorf("no %s line for %s naming the worker's pid %d:\n%s", msg, path, pid, f.logs.String())
			}
		}
	}
	r := recs[0]
	if r.Method != "GET" || r.Path != "/" || r.Query != "a=1" || r.Status != 200 || r.Bytes != 5 || r.PID != pid ||
		r.Duration <= 0 || r.RemoteAddr != "127.0.0.1" || r.Proto != "HTTP/1.1" || r.Error != "" {
		t.Errorf("record: %+v", r)
	}
	if r := recs[1]; r.Status != 502 || !strings.Contains(r.Error, "999") {
		t.Errorf("error record: %+v", r)
	}
	if !strings.Contains(f.logs.String(), `msg="http access"`) {
		t.Errorf("access_logs: no access line:\n%s", f.logs.String())
	}
}

func TestShutdownTwiceAndBeforeServe(t *testing.T) {
	pool := startPool(t, "hello", 1, nil, nil)
	s, err := New(testConfig(), pool, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	addr := s.Addr()
	for i := range 2 {
		if err := s.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown #%d: %v", i+1, err)
		}
	}
	if err := s.ListenAndServe(context.Background()); err != nil {
		t.Errorf("ListenAndServe after Shutdown: %v", err)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Error("listener still open after Shutdown")
	}
}

// TestE2ESlowClient checks read_header_timeout: a client that never
// finishes its headers is disconnected.
func TestE2ESlowClient(t *testing.T) {
	pool := startPool(t, "hello", 1, nil, nil)
	cfg := testConfig()
	cfg.ReadHeaderTimeout = 200 * time.Millisecond
	f := startFront(t, cfg, pool, Options{})
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 512)
	for {
		if _, err := conn.Read(buf); err != nil {
			break // closed by the server (possibly after a 408)
		}
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("slow client held the connection for %v", el)
	}
}

// hasLogLine reports whether one line of logs contains every part.
func hasLogLine(logs string, parts ...string) bool {
	for _, line := range strings.Split(logs, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}
