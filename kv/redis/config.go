package redis

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/phprun/phprun/kv"
)

// Config is the `config` map of a redis storage, with RoadRunner's keys.
// Durations are Go durations ("500ms"); zero values take go-redis's
// defaults (dial 5s, read and write 3s, 3 retries, pool of 10 per CPU).
type Config struct {
	// Addrs: one address is a single node, several a cluster, and with
	// MasterName set they are sentinels. Default ["127.0.0.1:6379"].
	Addrs            []string `koanf:"addrs"`
	DB               int      `koanf:"db"`
	Username         string   `koanf:"username"`
	Password         string   `koanf:"password"`
	MasterName       string   `koanf:"master_name"`
	SentinelPassword string   `koanf:"sentinel_password"`
	RouteByLatency   bool     `koanf:"route_by_latency"`
	RouteRandomly    bool     `koanf:"route_randomly"`
	ReadOnly         bool     `koanf:"read_only"`
	MaxRetries       int      `koanf:"max_retries"`
	PoolSize         int      `koanf:"pool_size"`
	MinIdleConns     int      `koanf:"min_idle_conns"`

	DialTimeout     time.Duration `koanf:"dial_timeout"`
	MinRetryBackoff time.Duration `koanf:"min_retry_backoff"`
	MaxRetryBackoff time.Duration `koanf:"max_retry_backoff"`
	MaxConnAge      time.Duration `koanf:"max_conn_age"`
	ReadTimeout     time.Duration `koanf:"read_timeout"`
	WriteTimeout    time.Duration `koanf:"write_timeout"`
	PoolTimeout     time.Duration `koanf:"pool_timeout"`
	IdleTimeout     time.Duration `koanf:"idle_timeout"`
	// IdleCheckFreq is accepted for RoadRunner configs and ignored: go-redis
	// v9 has no idle reaper.
	IdleCheckFreq time.Duration `koanf:"idle_check_freq"`

	TLS TLSConfig `koanf:"tls"`
}

// TLSConfig turns TLS to Redis on when Cert or RootCA is set.
type TLSConfig struct {
	Cert   string `koanf:"cert"`
	Key    string `koanf:"key"`
	RootCA string `koanf:"root_ca"`
}

func parse(raw map[string]any) (Config, error) {
	var c Config
	if err := kv.Decode(raw, &c); err != nil {
		return c, err
	}
	if len(c.Addrs) == 0 {
		c.Addrs = []string{"127.0.0.1:6379"}
	}
	var errs []error
	for i, a := range c.Addrs {
		if a == "" {
			errs = append(errs, &kv.FieldError{Key: fmt.Sprintf("addrs[%d]", i), Err: errors.New("empty address; want host:port")})
		}
	}
	if c.DB < 0 {
		errs = append(errs, &kv.FieldError{Key: "db", Err: fmt.Errorf("want 0 or more, got %d", c.DB)})
	}
	if (c.TLS.Cert == "") != (c.TLS.Key == "") {
		errs = append(errs, &kv.FieldError{Key: "tls", Err: errors.New("cert and key go together")})
	}
	return c, errors.Join(errs...)
}

// options translates the config into go-redis's.
func (c Config) options() (*goredis.UniversalOptions, error) {
	o := &goredis.UniversalOptions{
		Addrs: c.Addrs, DB: c.DB, Username: c.Username, Password: c.Password,
		MasterName: c.MasterName, SentinelPassword: c.SentinelPassword,
		RouteByLatency: c.RouteByLatency, RouteRandomly: c.RouteRandomly, ReadOnly: c.ReadOnly,
		MaxRetries: c.MaxRetries, PoolSize: c.PoolSize, MinIdleConns: c.MinIdleConns,
		DialTimeout: c.DialTimeout, MinRetryBackoff: c.MinRetryBackoff, MaxRetryBackoff: c.MaxRetryBackoff,
		ConnMaxLifetime: c.MaxConnAge, ReadTimeout: c.ReadTimeout, WriteTimeout: c.WriteTimeout,
		PoolTimeout: c.PoolTimeout, ConnMaxIdleTime: c.IdleTimeout,
	}
	if c.TLS.Cert == "" && c.TLS.RootCA == "" {
		return o, nil
	}
	t := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.TLS.Cert != "" {
		cert, err := tls.LoadX509KeyPair(c.TLS.Cert, c.TLS.Key)
		if err != nil {
			return nil, fmt.Errorf("tls: %w", err)
		}
		t.Certificates = []tls.Certificate{cert}
	}
	if c.TLS.RootCA != "" {
		pem, err := os.ReadFile(c.TLS.RootCA)
		if err != nil {
			return nil, fmt.Errorf("tls.root_ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls.root_ca: no PEM certificate in %s", c.TLS.RootCA)
		}
		t.RootCAs = pool
	}
	o.TLSConfig = t
	return o, nil
}
