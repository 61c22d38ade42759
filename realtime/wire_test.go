package realtime

import (
	"io"
	"net"
	"testing"
	"time"
)

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	a, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b := <-accepted
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

// A burst is gathered and reaches the peer in one piece, in order, with
// what was written outside it before and after.
func TestWireConn_burst(t *testing.T) {
	a, b := tcpPair(t)
	c := &wireConn{Conn: a}
	c.Write([]byte("1"))
	c.startBurst(t.Context(), time.Second)
	c.Write([]byte("2"))
	c.Write([]byte("3"))
	if got := c.gathered(); got != 2 {
		t.Errorf("gathered() = %d during a burst of 2 bytes, want 2", got)
	}
	buf := make([]byte, 8)
	b.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if n, _ := io.ReadAtLeast(b, buf, 2); n != 1 || string(buf[:1]) != "1" {
		t.Fatalf("peer read %q before the flush, want only %q", buf[:n], "1")
	}
	if err := c.flush(false); err != nil {
		t.Fatalf("flush() = %v", err)
	}
	c.Write([]byte("4"))
	b.SetReadDeadline(time.Now().Add(time.Second))
	if n, err := io.ReadFull(b, buf[:3]); err != nil || string(buf[:n]) != "234" {
		t.Errorf("peer read %q, %v after the flush, want %q", buf[:n], err, "234")
	}
	if c.gathered() != 0 || c.buf != nil {
		t.Errorf("gathered() = %d after flush, want 0 and the buffer back in the pool", c.gathered())
	}
}

// Close writes what a burst gathered (a close frame the library wrote
// during the burst) before it closes.
func TestWireConn_closeWritesGathered(t *testing.T) {
	a, b := tcpPair(t)
	c := &wireConn{Conn: a}
	c.startBurst(t.Context(), time.Second)
	c.Write([]byte("bye"))
	c.Close()
	b.SetReadDeadline(time.Now().Add(time.Second))
	got, err := io.ReadAll(b)
	if err != nil || string(got) != "bye" {
		t.Errorf("peer read %q, %v, want %q then EOF", got, err, "bye")
	}
}

// The bytes net/http read past the upgrade request are read first.
func TestWireConn_early(t *testing.T) {
	a, b := tcpPair(t)
	c := &wireConn{Conn: b, early: []byte("ab")}
	a.Write([]byte("cd"))
	got := make([]byte, 4)
	c.SetReadDeadline(time.Now().Add(time.Second))
	if n, err := io.ReadFull(c, got); err != nil || string(got[:n]) != "abcd" {
		t.Errorf("Read = %q, %v, want %q", got[:n], err, "abcd")
	}
}
