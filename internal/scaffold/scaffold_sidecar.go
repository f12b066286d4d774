package scaffold

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// devScriptCommand returns the command that runs package.json's "dev"
// script (Vite, Tailwind, Laravel Mix…) with the project's package
// manager, or "" when there is no such script. The manager is guessed
// from the lock file, npm by default. A package.json that cannot be read
// is not init's business: it is reported as a note and skipped.
func devScriptCommand(dir string) (cmd, note string) {
	data, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if os.IsNotExist(err) {
		return "", ""
	}
	if err != nil {
		return "", fmt.Sprintf("package.json: %v; no dev sidecar suggested", err)
	}
	var pkg struct {
		Scripts map[string]any `json:"scripts"`
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		return "", fmt.Sprintf("package.json is not valid JSON (%v); no dev sidecar suggested", err)
	}
	if s, ok := pkg.Scripts["dev"].(string); !ok || s == "" {
		return "", ""
	}
	for _, pm := range []struct{ lock, cmd string }{
		{"pnpm-lock.yaml", "pnpm run dev"}, {"yarn.lock", "yarn run dev"}, {"bun.lockb", "bun run dev"}, {"bun.lock", "bun run dev"},
	} {
		if exists(filepath.Join(dir, pm.lock)) {
			return pm.cmd, ""
		}
	}
	return "npm run dev", ""
}

// devSidecarMarker is the last line of the template's commented dev
// section; the sidecar lines go right after it.
var devSidecarMarker = []byte("#   show_errors: true  # put the PHP error text into 500 responses\n")

// withDevSidecar adds a commented dev.services entry running cmd to the
// phprun.yaml template, inside its commented dev section (at the end of
// the file if the template has none).
func withDevSidecar(yaml []byte, cmd string) []byte {
	block := fmt.Sprintf("#   # Sidecars that run only under `phprun dev` (package.json has a \"dev\" script):\n"+
		"#   services:\n"+
		"#     assets:\n"+
		"#       command: %s\n"+
		"#       remain_after_exit: true   # restart it if it exits\n"+
		"#       restart_sec: 2\n", cmd)
	if i := bytes.Index(yaml, devSidecarMarker); i >= 0 {
		at := i + len(devSidecarMarker)
		return append(append(append([]byte(nil), yaml[:at]...), block...), yaml[at:]...)
	}
	return append(append(append([]byte(nil), yaml...), "\n# dev:\n"...), block...)
}
