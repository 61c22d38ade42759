package realtime

import (
	"net"

	"golang.org/x/sys/unix"
)

// unsentBytes returns how many bytes written to c the kernel has not sent
// (and had acknowledged) yet: SIOCOUTQ.
func unsentBytes(c *net.TCPConn) (int, bool) {
	raw, err := c.SyscallConn()
	if err != nil {
		return 0, false
	}
	n, ierr := 0, error(nil)
	if err := raw.Control(func(fd uintptr) { n, ierr = unix.IoctlGetInt(int(fd), unix.SIOCOUTQ) }); err != nil || ierr != nil {
		return 0, false
	}
	return n, true
}
