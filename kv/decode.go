package kv

import (
	"errors"
	"fmt"
	"sort"

	"github.com/go-viper/mapstructure/v2"

	"github.com/phprun/phprun/internal/fielderr"
)

// FieldError is a problem with one key of a driver's config map. Key is
// relative to that map ("addrs", "tls.cert"); Validate puts
// kv.<storage>.config in front so that the loader can point at the file's
// line. It is the config loader's fielderr.Error.
type FieldError = fielderr.Error

// Decode fills out (a pointer to a driver's Config struct with koanf tags)
// from raw, the driver's `config` map. Strings convert to numbers, bools
// and durations ("5s") as YAML and environment values need; a key out does
// not know is an error, not a silent no-op, because a misspelt Redis
// address would otherwise connect to the default one.
func Decode(raw map[string]any, out any) error {
	var md mapstructure.Metadata
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		TagName:          "koanf",
		Result:           out,
		WeaklyTypedInput: true,
		Metadata:         &md,
		DecodeHook:       mapstructure.StringToTimeDurationHookFunc(),
	})
	if err != nil {
		return fmt.Errorf("kv: config decoder: %w", err)
	}
	var errs []error
	if err := dec.Decode(raw); err != nil {
		errs = append(errs, fieldErrors(err)...)
	}
	sort.Strings(md.Unused)
	for _, k := range md.Unused {
		errs = append(errs, &FieldError{Key: k, Err: errors.New("unknown key")})
	}
	return errors.Join(errs...)
}

// fieldErrors turns mapstructure's joined errors into FieldErrors where it
// names the field.
func fieldErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, fieldErrors(e)...)
		}
		return out
	}
	var de *mapstructure.DecodeError
	if errors.As(err, &de) {
		return []error{&FieldError{Key: de.Name(), Err: de.Unwrap()}}
	}
	return []error{err}
}

// prefixConfigErrors puts key (kv.<storage>.config) in front of each
// problem's own key, or makes key the key of a problem that has none.
func prefixConfigErrors(key string, err error) []error {
	var out []error
	for _, e := range fielderr.Leaves(err) {
		var fe *fielderr.Error
		if errors.As(e, &fe) {
			out = append(out, &fielderr.Error{Key: key + "." + fe.Key, Err: fe.Err})
			continue
		}
		out = append(out, fielderr.Wrap(key, e))
	}
	return out
}
