package rpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/rpc"
	"syscall"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// DialTimeout bounds connecting to the RPC port.
const DialTimeout = 3 * time.Second

// Client talks to a running phprun (or RoadRunner) over its RPC port with
// the gob codec, as the `rr` CLI does. It is safe for concurrent use.
type Client struct {
	addr  string
	c     *rpc.Client
	codec *clientCodec
}

// Dial connects to the server at listen, an `rpc.listen` value. A server
// listening on all interfaces (tcp://0.0.0.0:6001, tcp://:6001) is dialled
// on loopback. Errors name the address tried and how to change it.
func Dial(listen string) (*Client, error) {
	conn, addr, err := DialConn(listen)
	if err != nil {
		return nil, err
	}
	codec := newClientCodec(conn, wire.CodecGob)
	return &Client{addr: addr, c: rpc.NewClientWithCodec(codec), codec: codec}, nil
}

// DialConn connects to listen as Dial does and returns the bare
// connection and the address dialled, for clients of services that speak
// another codec (the jobs service's protobuf).
func DialConn(listen string) (net.Conn, string, error) {
	a, err := ParseAddress(listen)
	if err != nil {
		return nil, "", fmt.Errorf("%w (set it with -o rpc.listen=tcp://127.0.0.1:6001 or the rpc.listen key)", err)
	}
	if a.Network == "tcp" {
		if ip := net.ParseIP(a.Host()); a.Host() == "" || (ip != nil && ip.IsUnspecified()) {
			_, port, _ := net.SplitHostPort(a.Addr)
			host := "127.0.0.1"
			if ip != nil && ip.To4() == nil {
				host = "::1"
			}
			a.Addr = net.JoinHostPort(host, port)
		}
	}
	conn, err := net.DialTimeout(a.Network, a.Addr, DialTimeout)
	if err != nil {
		return nil, "", fmt.Errorf("rpc: cannot reach phprun at %s: %w (is the server running? point to it with -o rpc.listen=%s://... or the rpc.listen key of the config file)", a, err, a.Network)
	}
	return conn, a.String(), nil
}

// Addr is the address the client is connected to.
func (c *Client) Addr() string { return c.addr }

// List returns the names of the pools that have workers (informer.List).
func (c *Client) List(ctx context.Context) ([]string, error) {
	var out []string
	err := c.call(ctx, "informer.List", true, &out)
	return out, err
}

// Workers returns the workers of one pool (informer.Workers).
func (c *Client) Workers(ctx context.Context, plugin string) ([]ProcessState, error) {
	var out WorkerList
	if err := c.call(ctx, "informer.Workers", plugin, &out); err != nil {
		return nil, err
	}
	list := make([]ProcessState, 0, len(out.Workers))
	for _, w := range out.Workers {
		if w != nil {
			list = append(list, *w)
		}
	}
	return list, nil
}

// Resettable returns the pools that can be reset (resetter.List).
func (c *Client) Resettable(ctx context.Context) ([]string, error) {
	var out []string
	err := c.call(ctx, "resetter.List", true, &out)
	return out, err
}

// Reset reloads one pool and returns when its new workers serve
// (resetter.Reset). Give ctx a generous deadline: the server waits for busy
// workers up to the pool's reset_timeout.
func (c *Client) Reset(ctx context.Context, plugin string) error {
	var ok bool
	if err := c.call(ctx, "resetter.Reset", plugin, &ok); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("rpc: reset %s: server answered false", plugin)
	}
	return nil
}

// Version returns the server's version (rpc.Version).
func (c *Client) Version(ctx context.Context) (string, error) {
	var out string
	err := c.call(ctx, "rpc.Version", true, &out)
	return out, err
}

// Close closes the connection.
func (c *Client) Close() error { return c.c.Close() }

// Call invokes any method with the gob codec. Commands of plugins (such
// as `phprun services`) use it, so that this package imports no plugin.
func (c *Client) Call(ctx context.Context, method string, arg, reply any) error {
	return c.call(ctx, method, arg, reply)
}

// call runs one method, giving up when ctx ends (the reply, if it comes,
// is then dropped by net/rpc).
func (c *Client) call(ctx context.Context, method string, arg, reply any) error {
	call := c.c.Go(method, arg, reply, make(chan *rpc.Call, 1))
	select {
	case <-call.Done:
	case <-ctx.Done():
		return fmt.Errorf("rpc: %s on %s: %w", method, c.addr, ctx.Err())
	}
	if call.Error == nil {
		return nil
	}
	err := call.Error
	if errors.Is(err, rpc.ErrShutdown) {
		if re := c.codec.readErr.Load(); re != nil {
			err = *re // why the connection ended, not just that it did
		}
	}
	switch {
	case errors.Is(err, rpc.ErrShutdown), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("rpc: %s on %s: connection closed by the server", method, c.addr)
	case errors.Is(err, wire.ErrCRC), errors.Is(err, wire.ErrVersion), errors.Is(err, wire.ErrHeaderLength):
		return fmt.Errorf("rpc: %s on %s: the server there does not speak goridge RPC; check rpc.listen (-o rpc.listen=...): %w", method, c.addr, err)
	}
	return fmt.Errorf("rpc: %s on %s: %w", method, c.addr, err)
}

// Watch calls fn at once and then every interval until ctx ends (it then
// returns nil) or fn fails (it returns fn's error). It is the loop behind
// `phprun workers -i`.
func Watch(ctx context.Context, interval time.Duration, fn func(context.Context) error) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := fn(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
