//go:build linux

package watch

import "testing"

func TestRemoteFSName(t *testing.T) {
	t.Parallel()
	for magic, want := range map[uint32]string{0x6969: "nfs", 0xff534d42: "cifs", 0x01021997: "9p", 0xef53: ""} {
		if got := remoteFSName(magic); got != want {
			t.Errorf("remoteFSName(%#x) = %q, want %q", magic, got, want)
		}
	}
	if got := remoteFS(t.TempDir()); got != "" {
		t.Logf("temp dir is on %s; watchers there poll", got)
	}
}
