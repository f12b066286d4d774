package h1

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The differential tests run one handler behind net/http's own server and
// behind the fast path, send both the same raw bytes over TCP, and require
// the same bytes back and the same fate for the connection. The only
// difference allowed is the value of a Date header the server generated.

const (
	fastIdle    = 300 * time.Millisecond // silence after which a connection counts as left open
	fastPause   = 100 * time.Millisecond // between the segments of one case
	fastOverall = 5 * time.Second        // bound on one exchange
)

// fastStdServer is the net/http configuration both sides are built from.
func fastStdServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 2 * time.Second,
		MaxHeaderBytes:    4096,
		ErrorLog:          log.New(io.Discard, "", 0), // panics and bad requests are expected here
	}
}

// fastH2C adds HTTP/2 with prior knowledge to s, as http.http2.h2c does.
func fastH2C(s *http.Server) *http.Server {
	s.Protocols = new(http.Protocols)
	s.Protocols.SetHTTP1(true)
	s.Protocols.SetUnencryptedHTTP2(true)
	return s
}

// fastRunner is what both servers under test offer.
type fastRunner interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
	Close() error
}

// fastImpl builds one of the two servers under test from a net/http
// configuration. The behaviour tests run against both: net/http checks
// the test's own expectations, the fast path is the subject.
type fastImpl struct {
	name string
	new  func(std *http.Server) fastRunner
}

var fastImpls = []fastImpl{
	{"std", func(std *http.Server) fastRunner { return std }},
	{"fast", func(std *http.Server) fastRunner {
		return newFastServer(std.Handler, std, slog.New(slog.DiscardHandler))
	}},
}

// fastServing is one server under test, serving on a loopback port.
type fastServing struct {
	addr string
	srv  fastRunner
	done chan struct{} // closed when Serve has returned
	err  error         // what Serve returned; read after done
}

// fastStart serves the server impl builds from std until the test ends;
// Serve must then return http.ErrServerClosed.
func fastStart(t testing.TB, impl fastImpl, std *http.Server) *fastServing {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fastServing{addr: ln.Addr().String(), srv: impl.new(std), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.err = s.srv.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = s.srv.Close()
		select {
		case <-s.done:
			if !errors.Is(s.err, http.ErrServerClosed) {
				t.Errorf("%s: Serve returned %v, want http.ErrServerClosed", impl.name, s.err)
			}
		case <-time.After(fastOverall):
			t.Errorf("%s: Serve did not return after Close", impl.name)
		}
	})
	return s
}

// fastSeen records, per server, a summary of every request its handler was
// given, taken before the handler runs.
type fastSeen struct {
	mu   sync.Mutex
	reqs []string // guarded by mu
}

func (s *fastSeen) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		line := fmt.Sprintf("%s %q %s host=%q cl=%d te=%q close=%v %s",
			r.Method, r.RequestURI, r.Proto, r.Host, r.ContentLength, r.TransferEncoding, r.Close, fastHeader(r.Header))
		s.mu.Lock()
		s.reqs = append(s.reqs, line)
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (s *fastSeen) reset() {
	s.mu.Lock()
	s.reqs = nil
	s.mu.Unlock()
}

func (s *fastSeen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.reqs, "\n")
}

// fastResult is what a server sent back on one connection.
type fastResult struct {
	resp []byte
	end  string // "open" after fastIdle of silence, else "eof", "reset" or what ended it
}

func (r fastResult) closed() bool { return r.end != "open" }

// fastExchange dials addr, writes segs fastPause apart (then half-closes
// if closeWrite), and reads until the server closes or stays silent for
// fastIdle after the last segment went out.
func fastExchange(addr string, segs []string, closeWrite bool) fastResult {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return fastResult{end: "dial: " + err.Error()}
	}
	end := time.Now().Add(fastOverall)
	var wroteAt time.Time // written before wrote is closed
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		_ = c.SetWriteDeadline(end)
		for i, s := range segs {
			if i > 0 {
				time.Sleep(fastPause)
			}
			if _, err := io.WriteString(c, s); err != nil {
				break
			}
		}
		if closeWrite {
			_ = c.(*net.TCPConn).CloseWrite()
		}
		wroteAt = time.Now()
	}()
	defer func() { c.Close(); <-wrote }()

	var out []byte
	buf := make([]byte, 64<<10)
	last, writing := time.Now(), true
	for {
		dl := time.Now().Add(fastIdle) // while writing, silence proves nothing
		if !writing {
			dl = last.Add(fastIdle)
			if wroteAt.After(last) {
				dl = wroteAt.Add(fastIdle)
			}
		}
		if dl.After(end) {
			dl = end
		}
		_ = c.SetReadDeadline(dl)
		n, err := c.Read(buf)
		out = append(out, buf[:n]...)
		if n > 0 {
			last = time.Now()
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			return fastResult{out, "eof"}
		case errors.Is(err, syscall.ECONNRESET):
			return fastResult{out, "reset"}
		case !errors.Is(err, os.ErrDeadlineExceeded):
			return fastResult{out, err.Error()}
		case !time.Now().Before(end):
			return fastResult{out, "no end within " + fastOverall.String()}
		case writing:
			select {
			case <-wrote:
				writing = false
			default:
			}
		case time.Since(last) >= fastIdle && time.Since(wroteAt) >= fastIdle:
			return fastResult{out, "open"}
		}
	}
}

// fastDate matches a Date header line; fastNormal blanks its value when it
// is a current time, i.e. one the server generated. A Date the handler set
// stays as it is.
var fastDate = regexp.MustCompile(`\r\nDate: [^\r\n]*`)

func fastNormal(b []byte) []byte {
	return fastDate.ReplaceAllFunc(b, func(m []byte) []byte {
		d, err := http.ParseTime(string(m[len("\r\nDate: "):]))
		if err != nil || time.Since(d).Abs() > time.Minute {
			return m
		}
		return []byte("\r\nDate: <now>")
	})
}

// fastDiff shows two responses side by side, cut around their first
// difference when they are long.
func fastDiff(std, fast []byte) string {
	i := 0
	for i < len(std) && i < len(fast) && std[i] == fast[i] {
		i++
	}
	cut := func(b []byte) string {
		if len(std) <= 1500 && len(fast) <= 1500 {
			return fmt.Sprintf("%q", b)
		}
		lo, hi := max(i-300, 0), min(i+300, len(b))
		return fmt.Sprintf("%d bytes, [%d:%d] %q", len(b), lo, hi, b[min(lo, len(b)):hi])
	}
	return fmt.Sprintf("first difference at byte %d\nnet/http:  %s\nfast path: %s", i, cut(std), cut(fast))
}

// fastCase is raw client input: segments written fastPause apart.
type fastCase struct {
	name       string
	segs       []string
	closeWrite bool
	h2c        bool // both servers also speak HTTP/2 with prior knowledge
}

// fastOutcome is what both servers made of one case.
type fastOutcome struct {
	std, fast         fastResult
	stdSeen, fastSeen string
}

// fastRun serves h on both servers, plays c against each concurrently, and
// closes both servers before it returns.
func fastRun(t testing.TB, h http.Handler, c fastCase) fastOutcome {
	var o fastOutcome
	var stdSeen, fastSeen fastSeen
	mk := fastStdServer
	if c.h2c {
		mk = func(h http.Handler) *http.Server { return fastH2C(fastStdServer(h)) }
	}
	std := fastStart(t, fastImpls[0], mk(stdSeen.wrap(h)))
	fast := fastStart(t, fastImpls[1], mk(fastSeen.wrap(h)))
	var wg sync.WaitGroup
	wg.Go(func() { o.std = fastExchange(std.addr, c.segs, c.closeWrite) })
	wg.Go(func() { o.fast = fastExchange(fast.addr, c.segs, c.closeWrite) })
	wg.Wait()
	o.stdSeen, o.fastSeen = stdSeen.String(), fastSeen.String()
	return o
}

// same reports whether the two servers answered alike in every way check
// looks at.
func (o fastOutcome) same() bool {
	return bytes.Equal(fastNormal(o.std.resp), fastNormal(o.fast.resp)) &&
		o.std.closed() == o.fast.closed() && o.stdSeen == o.fastSeen
}

// fastRetries is how often a differing exchange is played again, alone,
// before it counts: a real difference repeats every time, while an answer
// that a loaded machine delivered after fastIdle does not.
const fastRetries = 2

// check reports every way the fast path's outcome differs from net/http's.
func (o fastOutcome) check(t testing.TB) {
	t.Helper()
	std, fast := fastNormal(o.std.resp), fastNormal(o.fast.resp)
	if !bytes.Equal(std, fast) {
		t.Errorf("responses differ (connection: net/http %s, fast path %s)\n%s", o.std.end, o.fast.end, fastDiff(std, fast))
	}
	if o.std.closed() != o.fast.closed() {
		t.Errorf("connection: net/http %s, fast path %s\nresponse: %q", o.std.end, o.fast.end, std)
	}
	if o.stdSeen != o.fastSeen {
		t.Errorf("handler saw\nnet/http:\n%s\nfast path:\n%s", o.stdSeen, o.fastSeen)
	}
}

// TestFastMatchesStd plays every case of fastCases against both servers,
// once as plain HTTP/1.1 servers and once with h2c (http.http2.h2c), where
// the connections the fast path hands over may turn into HTTP/2 ones.
// The cases spend their time waiting out fastIdle, not on the CPU, so they
// run eight at a time rather than at -parallel's GOMAXPROCS; each has its
// own pair of servers, and the comparisons are reported as subtests.
func TestFastMatchesStd(t *testing.T) {
	cases := fastCases()
	for _, c := range fastCases() {
		c.name, c.h2c = "h2c/"+c.name, true
		cases = append(cases, c)
	}
	out := make([]fastOutcome, len(cases))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, c := range cases {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = fastRun(t, fastHandler(), c)
		})
	}
	wg.Wait()
	for i, c := range cases {
		for range fastRetries {
			if out[i].same() {
				break
			}
			out[i] = fastRun(t, fastHandler(), c)
		}
		t.Run(c.name, func(t *testing.T) { out[i].check(t) })
	}
}

// TestFastCaseNamesUnique keeps subtest names meaningful.
func TestFastCaseNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range fastCases() {
		if seen[c.name] {
			t.Errorf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
	}
}

// FuzzFastVsStd sends arbitrary bytes, half-closed so that every exchange
// ends when the servers see EOF, to both servers running the dump handler.
// The dump leaves out the request context: after the client's EOF, when
// net/http notices it is a race.
func FuzzFastVsStd(f *testing.F) {
	for _, c := range fastCases() {
		f.Add([]byte(strings.Join(c.segs, "")))
	}
	var stdSeen, fastSeen fastSeen
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fastDump(w, r, false) })
	std := fastStart(f, fastImpls[0], fastStdServer(stdSeen.wrap(h)))
	fast := fastStart(f, fastImpls[1], fastStdServer(fastSeen.wrap(h)))
	var mu sync.Mutex // one exchange at a time, so that the seen logs line up
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 64<<10 {
			t.Skip("longer than any head or body the servers treat differently")
		}
		mu.Lock()
		defer mu.Unlock()
		var o fastOutcome
		for try := 0; try <= fastRetries && (try == 0 || !o.same()); try++ {
			stdSeen.reset()
			fastSeen.reset()
			var wg sync.WaitGroup
			wg.Go(func() { o.std = fastExchange(std.addr, []string{string(raw)}, true) })
			wg.Go(func() { o.fast = fastExchange(fast.addr, []string{string(raw)}, true) })
			wg.Wait()
			o.stdSeen, o.fastSeen = stdSeen.String(), fastSeen.String()
		}
		o.check(t)
	})
}

// fastHeader prints a header map sorted, one key=values pair after another.
func fastHeader(h map[string][]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(h)) {
		fmt.Fprintf(&b, "[%q=%q]", k, h[k])
	}
	return b.String()
}

// fastDump writes what the handler sees of r, reading its body to the end.
func fastDump(w io.Writer, r *http.Request, withCtx bool) {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	fmt.Fprintf(w, "method=%q url=%q requesturi=%q\n", r.Method, r.URL.String(), r.RequestURI)
	fmt.Fprintf(w, "proto=%q %d.%d host=%q remote=%q\n", r.Proto, r.ProtoMajor, r.ProtoMinor, r.Host, host)
	fmt.Fprintf(w, "contentlength=%d te=%q close=%v\n", r.ContentLength, r.TransferEncoding, r.Close)
	fmt.Fprintf(w, "header %s\n", fastHeader(r.Header))
	err := r.ParseForm()
	fmt.Fprintf(w, "parseform=%v form %s\n", err, fastHeader(r.Form))
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	fmt.Fprintf(w, "body=%q err=%v trailer %s\n", body, err, fastHeader(r.Trailer))
	if withCtx {
		fmt.Fprintf(w, "ctx=%v\n", r.Context().Err())
	}
}
