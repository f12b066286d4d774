//go:build linux

package watch

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// remoteFS names the filesystem dir is on if inotify cannot be trusted
// there, or returns "". inotify only sees changes made through this kernel,
// so edits made on the server or host side (an IDE on the host of a
// VirtualBox share, WSL2's /mnt/c over 9p, an NFS home directory) would
// never reach the watcher.
func remoteFS(dir string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return ""
	}
	return remoteFSName(uint32(st.Type))
}

// remoteFSName maps statfs f_type magic numbers (linux/magic.h and the
// filesystems' own sources) of network and host-shared filesystems to a
// name.
func remoteFSName(magic uint32) string {
	switch magic {
	case 0x6969:
		return "nfs"
	case 0x517b:
		return "smb"
	case 0xff534d42:
		return "cifs"
	case 0xfe534d42:
		return "smb2"
	case 0x01021997:
		return "9p"
	case 0x786f4256:
		return "vboxsf"
	case 0x00c36400:
		return "ceph"
	}
	return ""
}

// inotifyLimit reads one of the per-user inotify limits
// ("max_user_watches", "max_user_instances"), or 0 if unknown.
func inotifyLimit(name string) int {
	b, err := os.ReadFile("/proc/sys/fs/inotify/" + name)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return n
}
