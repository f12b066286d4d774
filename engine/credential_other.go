//go:build !unix

package engine

import (
	"errors"
	"os/exec"
)

// credential is not supported off Unix: server.user and server.group are
// rejected by Validate there.
type credential struct{}

func lookupCredential(userName, groupName string) (*credential, error) {
	if userName == "" && groupName == "" {
		return nil, nil
	}
	return nil, errors.New("not supported on this system")
}

func (c *credential) apply(*exec.Cmd) {}
