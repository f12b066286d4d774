package rpc

import (
	"errors"
	"github.com/phprun/phprun/internal/fielderr"
	"net"
	"strconv"
	"strings"
)

// DefaultListen is RoadRunner's default RPC address.
const DefaultListen = "tcp://127.0.0.1:6001"

// Config is the `rpc` section.
type Config struct {
	// Listen is where the RPC server listens: "tcp://host:port" or
	// "unix://path". Default "tcp://127.0.0.1:6001".
	Listen string `koanf:"listen"`
	// AllowRemote permits a tcp address that is not loopback. The RPC port
	// can reset pools and read the whole config, with no authentication, so
	// exposing it must be a deliberate choice. Default false.
	AllowRemote bool `koanf:"allow_remote"`
	// MaxRequestBytes caps one request frame's payload (method name and
	// argument), checked on the frame header before anything is allocated
	// for the payload; a larger request gets an error reply and the
	// connection is closed. phprun's own option, not RoadRunner's. Default
	// 1048576 (1 MiB; 0 means the default); raise it for large kv values or
	// job payloads.
	MaxRequestBytes uint32 `koanf:"max_request_bytes"`
}

// DefaultMaxRequestBytes is rpc.max_request_bytes' default (1 MiB).
const DefaultMaxRequestBytes = 1 << 20

// DefaultConfig returns the `rpc` section's defaults.
func DefaultConfig() Config {
	return Config{Listen: DefaultListen, MaxRequestBytes: DefaultMaxRequestBytes}
}

// Validate reports every problem with c. It never changes c.
func (c Config) Validate() error {
	var errs []error
	if c.MaxRequestBytes != 0 && c.MaxRequestBytes < minRequestBytes {
		errs = append(errs, fielderr.New("rpc.max_request_bytes", "%d is below the minimum of %d bytes", c.MaxRequestBytes, minRequestBytes))
	}
	a, err := ParseAddress(c.Listen)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if a.Network == "tcp" && !c.AllowRemote && !isLoopbackHost(a.Host()) {
		errs = append(errs, fielderr.New("rpc.listen", "%q is not a loopback address; anyone who can reach it can reset workers and read the config (set rpc.allow_remote: true to allow it)", c.Listen))
	}
	return errors.Join(errs...)
}

// minRequestBytes is the smallest rpc.max_request_bytes accepted: room for
// the longest method name and a small argument.
const minRequestBytes = 1 << 10

// Address is a parsed `rpc.listen` value.
type Address struct {
	Network string // "tcp" or "unix"
	Addr    string // host:port for tcp, the socket path for unix
}

// String returns the address in `rpc.listen` form.
func (a Address) String() string { return a.Network + "://" + a.Addr }

// Host returns the host part of a tcp address ("" for unix).
func (a Address) Host() string {
	if a.Network != "tcp" {
		return ""
	}
	h, _, _ := net.SplitHostPort(a.Addr)
	return h
}

// ParseAddress parses an `rpc.listen` value. The value must contain exactly
// one "://" (RoadRunner's rule), use the tcp or unix scheme, and for tcp
// carry a numeric port.
func ParseAddress(s string) (Address, error) {
	if strings.Count(s, "://") != 1 {
		return Address{}, fielderr.New("rpc.listen", "%q must look like tcp://127.0.0.1:6001 or unix://path.sock (exactly one \"://\")", s)
	}
	scheme, rest, _ := strings.Cut(s, "://")
	switch scheme {
	case "tcp":
		host, port, err := net.SplitHostPort(rest)
		if err != nil {
			return Address{}, fielderr.New("rpc.listen", "%q: want tcp://host:port: %w", s, err)
		}
		var errs []error
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			errs = append(errs, fielderr.New("rpc.listen", "%q: port %q is not a number in 0-65535", s, port))
		}
		if strings.ContainsAny(host, " /") {
			errs = append(errs, fielderr.New("rpc.listen", "%q: bad host %q", s, host))
		}
		if err := errors.Join(errs...); err != nil {
			return Address{}, err
		}
		return Address{Network: "tcp", Addr: rest}, nil
	case "unix":
		if rest == "" {
			return Address{}, fielderr.New("rpc.listen", "%q: empty socket path", s)
		}
		return Address{Network: "unix", Addr: rest}, nil
	default:
		return Address{}, fielderr.New("rpc.listen", "%q: unknown scheme %q (use tcp or unix)", s, scheme)
	}
}

// isLoopbackHost reports whether host names only the loopback interface.
// It does not resolve names: "localhost" is the one name accepted, and an
// empty host (all interfaces) is not loopback.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
