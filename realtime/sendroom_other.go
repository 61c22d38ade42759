//go:build !linux

package realtime

import "net"

// unsentBytes cannot tell on this system: sessions write as frames come,
// and a slow consumer's close frame may not reach it.
func unsentBytes(c *net.TCPConn) (int, bool) { return 0, false }
