package clicmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/phprun/phprun/internal/protocodec"
	"github.com/phprun/phprun/kv"
	"github.com/phprun/phprun/kv/kvv1"
	"github.com/phprun/phprun/rpc"
)

// KVCmd reads and writes the kv storages of a running server over its RPC
// port, like redis-cli: for debugging what the app stored.
type KVCmd struct {
	Get   KVGetCmd   `cmd:"" help:"Print a key's value as stored (PHP clients store serialize() output)."`
	Set   KVSetCmd   `cmd:"" help:"Store a value (\"-\" reads it from stdin)."`
	Del   KVDelCmd   `cmd:"" help:"Delete keys."`
	Clear KVClearCmd `cmd:"" help:"Delete every key of a storage."`
}

// KVGetCmd is `phprun kv get STORAGE KEY`.
type KVGetCmd struct {
	Storage string `arg:"" help:"Storage name (a key under kv: in the config)."`
	Key     string `arg:"" help:"Key to read."`
	TTL     bool   `help:"Print the key's expiry (RFC 3339, or \"no TTL\") instead of its value."`
}

// KVSetCmd is `phprun kv set STORAGE KEY VALUE`.
type KVSetCmd struct {
	Storage string        `arg:"" help:"Storage name."`
	Key     string        `arg:"" help:"Key to write."`
	Value   string        `arg:"" help:"Value, stored verbatim; \"-\" reads stdin."`
	TTL     time.Duration `help:"Expire the key after this long (e.g. 30s, 1h); default never."`
}

// KVDelCmd is `phprun kv del STORAGE KEY...`.
type KVDelCmd struct {
	Storage string   `arg:"" help:"Storage name."`
	Keys    []string `arg:"" help:"Keys to delete."`
}

// KVClearCmd is `phprun kv clear STORAGE`.
type KVClearCmd struct {
	Storage string `arg:"" help:"Storage name."`
}

// errKeyNotFound makes `kv get` exit 1 like a failed lookup in redis-cli
// scripts would want.
var errKeyNotFound = errors.New("key not found")

// kvCall dials the RPC port with the protobuf codec and runs one kv method.
func kvCall(env *Env, method string, req *kvv1.Request) (*kvv1.Response, error) {
	listen, t, err := rpcListen(env)
	if err != nil {
		return nil, err
	}
	cl, err := rpc.DialProto(listen, protocodec.Codec{})
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, t.RPCCall)
	defer cancel()
	var out kvv1.Response
	if err := cl.Call(ctx, method, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Run prints the value (or expiry) of one key.
func (c KVGetCmd) Run(env *Env) error {
	method := "kv.MGet"
	if c.TTL {
		method = "kv.TTL"
	}
	out, err := kvCall(env, method, &kvv1.Request{Storage: c.Storage, Items: []*kvv1.Item{{Key: c.Key}}})
	if err != nil {
		return err
	}
	if len(out.GetItems()) == 0 {
		return fmt.Errorf("kv get %s %s: %w", c.Storage, c.Key, errKeyNotFound)
	}
	it := out.GetItems()[0]
	if c.TTL {
		t := it.GetTimeout()
		if t == "" {
			t = "no TTL"
		}
		_, err = fmt.Fprintln(env.Stdout, t)
		return err
	}
	if _, err := env.Stdout.Write(it.GetValue()); err != nil {
		return err
	}
	if env.StdoutIsTerminal {
		_, err = fmt.Fprintln(env.Stdout)
	}
	return err
}

// Run stores one key.
func (c KVSetCmd) Run(env *Env) error {
	value := []byte(c.Value)
	if c.Value == "-" {
		var err error
		if value, err = io.ReadAll(os.Stdin); err != nil {
			return fmt.Errorf("kv set: read stdin: %w", err)
		}
	}
	it := &kvv1.Item{Key: c.Key, Value: value}
	if c.TTL < 0 {
		return fmt.Errorf("kv set: --ttl must be positive, got %s", c.TTL)
	}
	if c.TTL > 0 {
		it.Timeout = kv.FormatTimeout(time.Now().Add(c.TTL))
	}
	_, err := kvCall(env, "kv.Set", &kvv1.Request{Storage: c.Storage, Items: []*kvv1.Item{it}})
	return err
}

// Run deletes keys.
func (c KVDelCmd) Run(env *Env) error {
	req := &kvv1.Request{Storage: c.Storage}
	for _, k := range c.Keys {
		req.Items = append(req.Items, &kvv1.Item{Key: k})
	}
	_, err := kvCall(env, "kv.Delete", req)
	return err
}

// Run empties a storage.
func (c KVClearCmd) Run(env *Env) error {
	_, err := kvCall(env, "kv.Clear", &kvv1.Request{Storage: c.Storage})
	return err
}
