//go:build unix

package engine

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// credential is the uid/gid a process runs as (server.user, server.group).
type credential struct{ uid, gid uint32 }

// lookupCredential resolves a user and a group, each a name or a numeric
// id. An empty user keeps phprun's uid; an empty group means the user's
// primary group (or phprun's gid without a user). Both empty gives nil.
func lookupCredential(userName, groupName string) (*credential, error) {
	if userName == "" && groupName == "" {
		return nil, nil
	}
	c := &credential{uid: uint32(os.Getuid()), gid: uint32(os.Getgid())}
	if userName != "" {
		u, err := user.Lookup(userName)
		if err != nil {
			if u, err = user.LookupId(userName); err != nil {
				return nil, fmt.Errorf("unknown user %q", userName)
			}
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("user %q: non-numeric uid/gid %s/%s", userName, u.Uid, u.Gid)
		}
		c.uid, c.gid = uint32(uid), uint32(gid)
	}
	if groupName != "" {
		g, err := user.LookupGroup(groupName)
		if err != nil {
			if g, err = user.LookupGroupId(groupName); err != nil {
				return nil, fmt.Errorf("unknown group %q", groupName)
			}
		}
		gid, err := strconv.ParseUint(g.Gid, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("group %q: non-numeric gid %s", groupName, g.Gid)
		}
		c.gid = uint32(gid)
	}
	return c, nil
}

// apply makes cmd start as c; nil leaves it alone.
func (c *credential) apply(cmd *exec.Cmd) {
	if c == nil {
		return
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Credential = &syscall.Credential{Uid: c.uid, Gid: c.gid, NoSetGroups: false}
}
