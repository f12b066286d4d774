package memcached

import (
	"errors"
	"fmt"
	"time"

	"github.com/phprun/phprun/kv"
)

// Config is the `config` map of a memcached storage. Addr is RoadRunner's
// key; Timeout is phprun's own.
type Config struct {
	// Addr lists the servers, host:port each; keys are spread over them by
	// hash, as gomemcache does (a server listed twice gets twice the keys).
	// A single string is one server. Default ["127.0.0.1:11211"].
	Addr []string `koanf:"addr"`
	// Timeout bounds connecting and each call to a server, so a server
	// that is down fails calls fast. Default 500ms (gomemcache's).
	Timeout time.Duration `koanf:"timeout"`
}

func parse(raw map[string]any) (Config, error) {
	var c Config
	if err := kv.Decode(raw, &c); err != nil {
		return c, err
	}
	if len(c.Addr) == 0 {
		c.Addr = []string{"127.0.0.1:11211"}
	}
	var errs []error
	for i, a := range c.Addr {
		if a == "" {
			errs = append(errs, &kv.FieldError{Key: fmt.Sprintf("addr[%d]", i), Err: errors.New("empty address; want host:port")})
		}
	}
	if c.Timeout < 0 {
		errs = append(errs, &kv.FieldError{Key: "timeout", Err: fmt.Errorf("want 0 (the default) or more, got %v", c.Timeout)})
	}
	return c, errors.Join(errs...)
}
