package realtime

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// The connection under a session (what coder/websocket writes to and
// reads from after the upgrade).
//
// net/http hands a hijacked connection over with its own buffers, a 4 KB
// bufio.Reader and a 4 KB bufio.Writer, and coder/websocket keeps both for
// the socket's life: 8 KB of every idle socket. upgradeWriter gives the
// library small ones instead, over a wireConn:
//
//   - reads go through a bufio.Reader of readBufSize: enough for a frame
//     header and a typical client frame in one read(2); a longer frame's
//     rest is read straight into the library's buffer;
//   - writes go through a bufio.Writer of writeBufSize into the wireConn,
//     which writes through to the socket, except while the writer
//     writes a burst of queued frames (startBurst … flush): then it gathers
//     them in a buffer borrowed from a pool and writes them with one
//     write(2) at the end, so a burst costs one system call and an idle
//     socket holds no write buffer.
//
// Order: every write to the socket, gathered or not, happens under wireConn.mu,
// and what is gathered is written before anything that comes after it, so
// frames reach the wire in the order the library wrote them, control frames
// (pong, close) included.

const (
	readBufSize  = 512
	writeBufSize = 64
	// maxGather is how much a burst gathers before it is written out.
	maxGather = 32 << 10
)

// gatherPool lends wireConns their burst buffers.
var gatherPool = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

// wireConn is the net.Conn the library gets from the upgrade.
type wireConn struct {
	net.Conn

	mu     sync.Mutex
	gather bool    // a burst is being written: writes are gathered in buf
	buf    *[]byte // the gathered bytes; nil outside a burst
	// The burst's context and write timeout: each write of gathered bytes
	// to the socket must finish within timeout, and ends early when ctx
	// does (the session ends).
	ctx     context.Context
	timeout time.Duration

	// early holds the bytes net/http read past the upgrade request, to be
	// read first. Owned by the library's reader.
	early []byte
}

// Read reads the early bytes, then the socket.
func (c *wireConn) Read(p []byte) (int, error) {
	if len(c.early) > 0 {
		n := copy(p, c.early)
		c.early = c.early[n:]
		if len(c.early) == 0 {
			c.early = nil
		}
		return n, nil
	}
	return c.Conn.Read(p)
}

// Write writes p to the socket, or gathers it during a burst.
func (c *wireConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gather {
		if c.buf == nil {
			c.buf = gatherPool.Get().(*[]byte)
		}
		*c.buf = append(*c.buf, p...)
		if len(*c.buf) < maxGather {
			return len(p), nil
		}
		if err := c.writeGathered(); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// writeGathered writes what a burst gathered; c.mu is held.
func (c *wireConn) writeGathered() error {
	if c.buf == nil {
		return nil
	}
	b := c.buf
	c.buf = nil
	c.Conn.SetWriteDeadline(time.Now().Add(c.timeout))
	// The end of ctx (the session's) cuts the write short through the
	// deadline. Should it come as the write ends, the deadline may stay in
	// the past; then every later write fails, which is what a session that
	// is over wants.
	stop := func() bool { return false }
	if c.ctx != nil {
		stop = context.AfterFunc(c.ctx, func() { c.Conn.SetWriteDeadline(time.Now()) })
	}
	_, err := c.Conn.Write(*b)
	stop()
	c.Conn.SetWriteDeadline(time.Time{})
	if cap(*b) <= maxGather*2 {
		*b = (*b)[:0]
		gatherPool.Put(b)
	}
	return err
}

// startBurst gathers what is written from now until flush; each write of
// gathered bytes to the socket has timeout and ends with ctx.
func (c *wireConn) startBurst(ctx context.Context, timeout time.Duration) {
	c.mu.Lock()
	c.gather, c.ctx, c.timeout = true, ctx, timeout
	c.mu.Unlock()
}

// flush writes what was gathered; with keep, it gathers on, else the burst
// ends.
func (c *wireConn) flush(keep bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := c.writeGathered()
	if !keep {
		c.gather, c.ctx = false, nil
	}
	return err
}

// gathered returns how many bytes wait in the burst buffer.
func (c *wireConn) gathered() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.buf == nil {
		return 0
	}
	return len(*c.buf)
}

// Close closes the connection. What a burst gathered is written first if
// no write is in progress; a write in progress (blocked on a full socket)
// is what Close is for, so it does not wait for it.
func (c *wireConn) Close() error {
	if c.mu.TryLock() {
		if c.buf != nil {
			c.timeout = min(c.timeout, time.Second)
			c.writeGathered()
		}
		c.gather = false
		c.mu.Unlock()
	}
	return c.Conn.Close()
}

// upgradeWriter is the http.ResponseWriter the library upgrades: its
// Hijack swaps net/http's connection buffers for small ones over a
// wireConn, which it remembers in conn.
type upgradeWriter struct {
	http.ResponseWriter
	conn *wireConn
}

// Hijack takes the connection from net/http with buffers of our sizes. The
// bytes net/http has read past the request (a client may send its hello
// right behind the upgrade) are read first, from the wireConn.
func (w *upgradeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil { // the 101 response, if still buffered
		nc.Close()
		return nil, nil, err
	}
	w.conn = &wireConn{Conn: nc}
	if n := brw.Reader.Buffered(); n > 0 {
		early, _ := brw.Reader.Peek(n)
		w.conn.early = bytes.Clone(early)
	}
	// net/http keeps pointers to the two buffers it handed over (its
	// conn's bufr and bufw) until the handler returns, though it never
	// uses them again. The pointers cannot be dropped, what they point to
	// can: zero values hold no buffer, and the 8 KB go to the garbage
	// collector at once rather than after the handler (serveAs returns
	// after the upgrade, but a hello may come first).
	*brw.Reader = bufio.Reader{}
	*brw.Writer = bufio.Writer{}
	return w.conn, bufio.NewReadWriter(bufio.NewReaderSize(w.conn, readBufSize), bufio.NewWriterSize(w.conn, writeBufSize)), nil
}

// Unwrap gives http.ResponseController the writer beneath.
func (w *upgradeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
