package realtime

import (
	"context"
	"errors"
	"net"
	"time"
)

// Room for the close frame. A client that stops reading fills its
// connection's kernel send buffer; once it is full, nothing more can be
// written, not even the close frame that tells the client why it is being
// closed (4008). So a session never fills the buffer: before it writes a
// frame it makes sure the bytes not yet sent, plus the frame, leave
// closeReserve of SendBuffer free, and waits (up to WriteTimeout) for the
// client to read when they would not. A session that has waited that long
// is a slow consumer: it is closed, and its close frame fits in the room
// kept for it, to be read whenever the client reads again.

// SendBuffer is the kernel send buffer ConnContext gives each connection.
// WebSockets are long-lived: with the kernel's default (autotuned up to
// megabytes) a client that stops reading would absorb tens of seconds of
// frames before the session's own bounded queue noticed it; with this, a
// slow consumer is found and closed within seconds. Ordinary responses are
// not slowed: the buffer is refilled as the client reads.
const SendBuffer = 64 << 10

// closeReserve is the part of SendBuffer kept free for control frames: a
// close frame is at most 129 bytes, a ping or pong a few.
const closeReserve = 4 << 10

// sendLimit is the most bytes a session leaves unsent in the kernel.
const sendLimit = SendBuffer - closeReserve

// roomPoll is how often a session that waits for room looks again.
const roomPoll = 5 * time.Millisecond

type tcpConnKey struct{}

// ConnContext is for http.Server.ConnContext: it sets SendBuffer on each
// TCP connection and remembers the connection in the context of its
// requests, so that a WebSocket session can see how much of what it wrote
// is still unsent. It is infrastructure of net/http, the one thing besides
// the actor that rides in a request's context.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return ctx
	}
	tc.SetWriteBuffer(SendBuffer)
	return context.WithValue(ctx, tcpConnKey{}, tc)
}

// tcpConnOf returns the TCP connection ConnContext remembered, if any.
func tcpConnOf(ctx context.Context) *net.TCPConn {
	tc, _ := ctx.Value(tcpConnKey{}).(*net.TCPConn)
	return tc
}

// errNoRoom is a write that found no room for WriteTimeout.
var errNoRoom = errors.New("realtime: the client reads too slowly")

// waitRoom returns when a frame of n bytes can be written leaving the room
// for a close frame, or errNoRoom after WriteTimeout. Without a TCP
// connection to look at (or an operating system that does not tell), it
// returns at once. It keeps an estimate of the room, so that a client that
// reads as fast as the session writes costs one look per SendBuffer written.
// Owned by the writer.
func (s *session) waitRoom(ctx context.Context, n int) error {
	if s.tcp == nil {
		return nil
	}
	if s.room >= n {
		s.room -= n
		return nil
	}
	// What the burst gathered (wire.go) goes to the kernel first, so that
	// the kernel's count of unsent bytes includes it.
	if err := s.flushGathered(); err != nil {
		return err
	}
	deadline := time.Now().Add(s.hub.opts.WriteTimeout)
	for {
		unsent, ok := unsentBytes(s.tcp)
		if !ok {
			s.tcp = nil // the system cannot say: write as it comes
			return nil
		}
		s.room = sendLimit - unsent
		if s.room >= n || (n > sendLimit && unsent == 0) {
			s.room -= n
			return nil
		}
		if time.Now().After(deadline) || s.closing.Load() {
			return errNoRoom
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(roomPoll):
		}
	}
}
