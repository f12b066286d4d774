package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// This file finds the shell blocks of README.md and docs/*.md and their
// markers; docs_run_test.go runs them.
//
// A fenced shell block (```sh, ```bash, ```shell) must follow a marker
// line, an HTML comment that GitHub does not render:
//
//	<!-- test -->                 run it (see docRun for how)
//	<!-- test server exit=1 want="text" init=myapp -->
//	<!-- untested: why -->        say why it cannot run in the test suite
//
// Options of test: server (a `phprun serve --headless` runs before the
// block, as the text around it assumes); init=DIR (scaffold the app into
// DIR of an empty directory and start there; init=none: no app; default:
// the app is the starting directory); exit=N (the block's last command
// must exit with N, every other with 0); want="text" or want='text' (the
// block's output must contain text; repeatable).

// docBlock is one marked shell block.
type docBlock struct {
	file   string
	line   int      // of the opening fence
	tested bool     // <!-- test -->, not <!-- untested -->
	cmds   []string // command lines, comments and blank lines removed
	server bool
	init   string // "." (default), "none", or a directory name
	exit   int
	want   []string
}

func (b docBlock) String() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

var (
	docMarkerRe = regexp.MustCompile(`^<!-- (test|untested:[^>]+)(.*?)\s*-->$`)
	docWantRe   = regexp.MustCompile(`want=(?:"([^"]*)"|'([^']*)')`)
	docFenceRe  = regexp.MustCompile("^```(sh|bash|shell)\\s*$")
	// a comment after a command: whitespace, #, whitespace
	docCommentRe = regexp.MustCompile(`\s+#\s.*$`)
)

// docShellBlocks reads every shell block of README.md and docs/*.md.
// Unmarked blocks and bad markers are errors.
func docShellBlocks() ([]docBlock, []error) {
	files, _ := filepath.Glob("docs/*.md")
	files = append([]string{"README.md"}, files...)
	var blocks []docBlock
	var errs []error
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		lines := strings.Split(string(data), "\n")
		quoted := false // inside a ```` block, which shows fences as text
		for i := 0; i < len(lines); i++ {
			if strings.HasPrefix(lines[i], "````") {
				quoted = !quoted
			}
			if quoted || !docFenceRe.MatchString(lines[i]) {
				continue
			}
			b := docBlock{file: f, line: i + 1, init: "."}
			marker := ""
			if i > 0 {
				marker = lines[i-1]
			}
			m := docMarkerRe.FindStringSubmatch(marker)
			if m == nil {
				errs = append(errs, fmt.Errorf("%s: shell block without a marker: put <!-- test --> or <!-- untested: why --> on the line before it", b))
			} else if err := b.parseMarker(m[1], m[2]); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", b, err))
			}
			for i++; i < len(lines) && lines[i] != "```"; i++ {
				if c := strings.TrimSpace(docCommentRe.ReplaceAllString(lines[i], "")); c != "" && !strings.HasPrefix(c, "#") {
					b.cmds = append(b.cmds, c)
				}
			}
			if m != nil {
				blocks = append(blocks, b)
			}
		}
	}
	return blocks, errs
}

func (b *docBlock) parseMarker(kind, opts string) error {
	if kind != "test" {
		return nil // untested: the reason is for readers
	}
	b.tested = true
	for _, w := range docWantRe.FindAllStringSubmatch(opts, -1) {
		b.want = append(b.want, w[1]+w[2]) // "text" or 'text'
	}
	for _, o := range strings.Fields(docWantRe.ReplaceAllString(opts, "")) {
		name, val, _ := strings.Cut(o, "=")
		switch name {
		case "server":
			b.server = true
		case "init":
			b.init = val
		case "exit":
			n, err := strconv.Atoi(val)
			if err != nil {
				return fmt.Errorf("marker: bad exit=%q", val)
			}
			b.exit = n
		default:
			return fmt.Errorf("marker: unknown option %q (server, init=DIR, exit=N, want=\"text\" or want='text')", o)
		}
	}
	return nil
}

// TestDocsShellBlocksMarked: every shell block says whether the test suite
// runs it, so a new block cannot silently go untested.
func TestDocsShellBlocksMarked(t *testing.T) {
	blocks, errs := docShellBlocks()
	for _, err := range errs {
		t.Error(err)
	}
	tested := 0
	for _, b := range blocks {
		if b.tested {
			tested++
			if len(b.cmds) == 0 {
				t.Errorf("%s: marked for test but has no command", b)
			}
		}
	}
	if tested < 5 {
		t.Errorf("only %d shell blocks are marked <!-- test -->", tested)
	}
}
