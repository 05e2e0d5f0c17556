//go:build linux

package main

import (
	"os/exec"
	"syscall"
)

// orphanGuard has the kernel kill cmd when the test process dies, so that
// a test killed by its timeout leaves no pipbot serving.
func orphanGuard(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
