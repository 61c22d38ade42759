// Package realtime serves Skranke's WebSocket protocol (docs/protocol.md):
// one Session per connection, and the Hub that fans committed and ephemeral
// events out to the sessions of this node.
//
// Ordering and delivery: every session remembers, per conversation, the
// highest Seq it has written. A stored event is written only if its Seq is
// the next one; a gap (an event published out of order, one missed on the
// bus, or the backlog after a resume) is filled from the store first, so a
// client receives every event it may see exactly once and in order, however
// events reach this node. Resume is the same mechanism: a session starts at
// the client's last Seq and catches up from the store.
//
// Concurrency: the HTTP handler upgrades the connection and returns; the
// session runs on a goroutine of its own that the hub owns (counted in
// sessionsWG, waited for by Run), because net/http's goroutine is deep
// after parsing the request and running the middleware, and an idle socket
// would keep its stack and its request for life. The session's goroutine
// reads frames. The writer, the only writer of frames to the connection
// and the only reader of the store for catch-up, is a goroutine the send
// queue starts when frames arrive and that ends when it finds the queue
// empty (queue.go); pings go from a timer (a short-lived goroutine waits
// for each pong). So an idle connection has one goroutine, a shallow one
// (a supervisor's has a second, which queues the board's changes);
// the hello and each catch-up run on a short-lived goroutine the caller
// waits for, so their store calls do not leave a grown stack behind. The
// hub never blocks on a session: it encodes an event once per audience
// (agents, customer) and hands the bytes to each session's bounded queue
// (queue.go: at most SendQueueLen frames not yet written, memory only for
// those queued); a session whose queue is full is closed as a slow consumer
// and its client resumes. No hub lock is held across I/O.
//
// Writing: the writer takes everything queued at once and writes it as
// one burst, under one write timeout, gathered into one write(2) (wire.go);
// frames reach the wire in queue order, and control frames the WebSocket
// library writes meanwhile (pong, close) after the frames before them.
//
// Visibility: a customer session receives only what chat.ForCustomer lets
// through, live and on catch-up alike.
//
// Customer presence (presence.go): the hub counts each conversation's
// customer sessions on this node and announces only the transitions (first
// socket, last socket gone), batched and numbered by the hub's Run
// goroutine, which also sends one node heartbeat per interval and answers
// the router's snapshot requests; no message is sent per customer per
// heartbeat.
package realtime
