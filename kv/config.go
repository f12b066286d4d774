package kv

import (
	"errors"
	"sort"

	"github.com/phprun/phprun/internal/fielderr"
)

// Config is RoadRunner v3's `kv` section: storages by name. The section
// is absent by default, which starts no kv plugin.
type Config map[string]StorageConfig

// StorageConfig is one `kv.<name>` entry.
type StorageConfig struct {
	// Driver is memory, boltdb, redis or memcached. Required (RoadRunner: "could not
	// find mandatory driver field").
	Driver string `koanf:"driver"`
	// Config holds the driver's own keys (see docs/kv.md). Default none.
	Config map[string]any `koanf:"config"`
	// MaxValueSize caps one value in bytes; a larger kv.Set is refused
	// with an error. phprun's own key. Default 0: 16 MiB.
	MaxValueSize int `koanf:"max_value_size"`
}

// DefaultMaxValueSize is the value size limit when max_value_size is 0.
const DefaultMaxValueSize = 16 << 20

// Names returns the storage names, sorted.
func (c Config) Names() []string {
	names := make([]string, 0, len(c))
	for n := range c {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Validate checks every storage against drivers, the drivers phprun
// offers, and returns every problem joined; each message starts with the
// dotted key it concerns (kv.<name>.driver, kv.<name>.config...). It
// never changes c.
func (c Config) Validate(drivers map[string]Driver) error {
	var errs []error
	for _, name := range c.Names() {
		sc := c[name]
		key := "kv." + name
		if name == "" {
			errs = append(errs, fielderr.New("kv", "a storage needs a name"))
			continue
		}
		if sc.MaxValueSize < 0 {
			errs = append(errs, fielderr.New(key+".max_value_size", "want 0 (16 MiB) or a positive number of bytes, got %d", sc.MaxValueSize))
		}
		d, ok := drivers[sc.Driver]
		switch {
		case sc.Driver == "":
			errs = append(errs, fielderr.New(key+".driver", "missing; could not find mandatory driver field in the %s storage (want one of %s)", name, driverList(drivers)))
		case !ok:
			errs = append(errs, fielderr.New(key+".driver", "unknown driver %q (phprun has %s)", sc.Driver, driverList(drivers)))
		default:
			if err := d.Check(sc.Config); err != nil {
				errs = append(errs, prefixConfigErrors(key+".config", err)...)
			}
		}
	}
	return errors.Join(errs...)
}

func driverList(drivers map[string]Driver) string {
	names := make([]string, 0, len(drivers))
	for n := range drivers {
		names = append(names, n)
	}
	sort.Strings(names)
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}
