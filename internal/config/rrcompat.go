package config

import (
	"fmt"
	"reflect"
	"strings"
)

// RoadRunner compatibility of the loader: what a .rr.yaml written for
// RoadRunner 2025 may contain beyond phprun's own keys.

// rrUnsupported are RoadRunner keys of sections phprun implements whose
// feature phprun does not have. Each gets one warning saying so, never a
// "did you mean" pointing at a phprun key.
var rrUnsupported = map[string]string{
	"http.http3":               "HTTP/3 is not available in phprun",
	"http.fcgi":                "FastCGI is not available in phprun",
	"http.ssl.acme":            "ACME certificates are not available in phprun; set http.ssl.cert and http.ssl.key",
	"logs.file_logger_options": "log file rotation is not available in phprun; rotate with logrotate (copytruncate)",
}

// rrUnsupportedWarning returns the warning for a RoadRunner key phprun
// knows of but does not implement, "" for any other key.
func rrUnsupportedWarning(key string) string {
	for k, msg := range rrUnsupported {
		if key == k || strings.HasPrefix(key, k+".") {
			return fmt.Sprintf("%s: %s; ignored", k, msg)
		}
	}
	return ""
}

// caseInsensitiveMap reports whether the map at key has case-insensitive
// keys: environment maps, whose names the engine upper-cases. Their keys
// are upper-cased in every layer, so PHPRUN_SERVER__ENV__APP_ENV and
// server.env.app_env from the file are one entry and the environment wins.
func caseInsensitiveMap(key string) bool {
	return key == "server.env" || key == "server.on_init.env"
}

// mapFromList accepts the list form of a map, common in published
// RoadRunner configs:
//
//	env:
//	  - APP_ENV: production
//	  - DEBUG: "0"
//
// Each entry must be a one-or-more-key section; later entries win. It
// returns v unchanged when v is not a list.
func mapFromList(v any) (any, error) {
	list, ok := v.([]any)
	if !ok {
		return v, nil
	}
	out := map[string]any{}
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("entry %d: expected NAME: value, got %v", i, item)
		}
		for k, x := range m {
			out[k] = x
		}
	}
	return out, nil
}

// bareDurationWarning explains a duration written as a plain number:
// RoadRunner reads it as nanoseconds, and so does phprun, but that is
// rarely what was meant.
func bareDurationWarning(n *schemaNode, key string, raw any) string {
	if n.typ != durationType {
		return ""
	}
	i, ok := toInt(raw)
	if !ok || i == 0 {
		return ""
	}
	if s, isStr := raw.(string); isStr && strings.TrimSpace(s) != fmt.Sprint(i) {
		return ""
	}
	return fmt.Sprintf("%s: %d is %dns (a bare number is nanoseconds, as in RoadRunner); write \"%ds\" for seconds", key, i, i, i)
}

// sectionWarnings adds what the sections report about themselves (the
// http middleware phprun skips), so `phprun config` shows every warning
// `phprun serve` would.
func (l *loader) sectionWarnings(c *Config) {
	v := reflect.ValueOf(*c)
	for i := range v.NumField() {
		if w, ok := v.Field(i).Interface().(interface{ Warnings() []string }); ok {
			for _, msg := range w.Warnings() {
				key, _, _ := strings.Cut(msg, ":")
				key, _, _ = strings.Cut(key, "[")
				l.warnings = append(l.warnings, l.locate(key, msg, ""))
			}
		}
	}
}
