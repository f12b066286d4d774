package main

import (
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// goreleaserConfig is the part of .goreleaser.yaml the project relies on.
// `goreleaser check` validates the whole file when the tool is at hand; this
// test keeps the release promises (static builds on six platforms, the
// version stamped in, zip on Windows, Linux packages, an image) without it.
type goreleaserConfig struct {
	Version int `yaml:"version"`
	Builds  []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Ignore  []any    `yaml:"ignore"`
		Ldflags []string `yaml:"ldflags"`
	} `yaml:"builds"`
	Archives []struct {
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
	} `yaml:"checksum"`
	Nfpms []struct {
		Formats    []string `yaml:"formats"`
		Maintainer string   `yaml:"maintainer"`
		Bindir     string   `yaml:"bindir"`
	} `yaml:"nfpms"`
	DockersV2 []struct {
		Dockerfile string   `yaml:"dockerfile"`
		Images     []string `yaml:"images"`
		Tags       []string `yaml:"tags"`
		Platforms  []string `yaml:"platforms"`
	} `yaml:"dockers_v2"`
	Changelog struct {
		Groups []struct {
			Title  string `yaml:"title"`
			Regexp string `yaml:"regexp"`
		} `yaml:"groups"`
	} `yaml:"changelog"`
}

func TestGoreleaserConfig(t *testing.T) {
	data, err := os.ReadFile(".goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c goreleaserConfig
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&c); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if c.Version != 2 {
		t.Errorf("version = %d, want 2", c.Version)
	}

	if len(c.Builds) != 1 {
		t.Fatalf("%d builds, want 1", len(c.Builds))
	}
	b := c.Builds[0]
	if b.Binary != "phprun" || (b.Main != "." && b.Main != "") {
		t.Errorf("build main %q binary %q, want . and phprun", b.Main, b.Binary)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build env %v lacks CGO_ENABLED=0", b.Env)
	}
	if got := grSorted(b.Goos); !slices.Equal(got, []string{"darwin", "linux", "windows"}) {
		t.Errorf("goos = %v", got)
	}
	if got := grSorted(b.Goarch); !slices.Equal(got, []string{"amd64", "arm64"}) {
		t.Errorf("goarch = %v", got)
	}
	if len(b.Ignore) != 0 {
		t.Errorf("build ignores %v: every goos×goarch pair is released", b.Ignore)
	}
	if !strings.Contains(strings.Join(b.Ldflags, " "), "-X main.version={{.Version}}") {
		t.Errorf("ldflags %v do not inject main.version", b.Ldflags)
	}
	// The variable the ldflag sets must exist, or the release says "dev".
	if src, err := os.ReadFile("main.go"); err == nil && !strings.Contains(string(src), "version") {
		t.Error("main.go has no version variable for -X main.version")
	}

	if len(c.Archives) == 0 {
		t.Fatal("no archives")
	}
	for _, a := range c.Archives {
		if !slices.Equal(a.Formats, []string{"tar.gz"}) {
			t.Errorf("archive formats %v, want [tar.gz]", a.Formats)
		}
		var zip bool
		for _, o := range a.FormatOverrides {
			zip = zip || (o.Goos == "windows" && slices.Equal(o.Formats, []string{"zip"}))
		}
		if !zip {
			t.Error("no zip format override for windows")
		}
	}
	if c.Checksum.NameTemplate == "" {
		t.Error("checksum.name_template is empty")
	}

	if len(c.Nfpms) != 1 {
		t.Fatalf("%d nfpms, want 1", len(c.Nfpms))
	}
	if got := grSorted(c.Nfpms[0].Formats); !slices.Equal(got, []string{"apk", "deb", "rpm"}) {
		t.Errorf("nfpm formats = %v", got)
	}
	if c.Nfpms[0].Maintainer == "" {
		t.Error("nfpm maintainer is empty (deb requires one)")
	}

	if len(c.DockersV2) != 1 {
		t.Fatalf("%d dockers_v2 images, want 1", len(c.DockersV2))
	}
	d := c.DockersV2[0]
	if got := grSorted(d.Platforms); !slices.Equal(got, []string{"linux/amd64", "linux/arm64"}) {
		t.Errorf("image platforms = %v", got)
	}
	if len(d.Images) == 0 || len(d.Tags) == 0 {
		t.Error("image has no names or tags")
	}
	df, err := os.ReadFile(d.Dockerfile)
	if err != nil {
		t.Fatalf("dockers_v2 dockerfile: %v", err)
	}
	for _, want := range []string{"ARG TARGETPLATFORM", "COPY $TARGETPLATFORM/phprun /usr/local/bin/phprun", `CMD ["phprun", "serve", "--headless"]`} {
		if !strings.Contains(string(df), want) {
			t.Errorf("%s lacks %q", d.Dockerfile, want)
		}
	}

	if len(c.Changelog.Groups) < 2 {
		t.Errorf("changelog has %d groups", len(c.Changelog.Groups))
	}
}

func grSorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}
