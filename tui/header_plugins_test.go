package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// TestHeaderShowsPlugins: a wide header names the kv storages and the
// metrics URL; without them nothing is added.
func TestHeaderShowsPlugins(t *testing.T) {
	st := newStyles(lipgloss.NewRenderer(nil))
	h := headerPane{info: Info{URL: "http://127.0.0.1:8080", Mode: "serve",
		KV: "cache (memory), shared (redis)", Metrics: "http://127.0.0.1:2112/metrics"}}
	h.SetSize(200)
	first := strings.Split(ansi.Strip(h.view(st)), "\n")[0]
	for _, want := range []string{"kv cache (memory), shared (redis)", "metrics http://127.0.0.1:2112/metrics"} {
		if !strings.Contains(first, want) {
			t.Errorf("header line %q lacks %q", first, want)
		}
	}
	h.info.KV, h.info.Metrics = "", ""
	if first := strings.Split(ansi.Strip(h.view(st)), "\n")[0]; strings.Contains(first, "kv ") || strings.Contains(first, "metrics ") {
		t.Errorf("header without plugins shows them: %q", first)
	}
}
