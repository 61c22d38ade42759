// Package natsbus is the bus of a multi-node deployment: a bus.Bus that
// announces events to the other nodes over core NATS publish/subscribe (no
// JetStream), as JSON on the subject "<prefix>.ev.<conversation id>".
//
// The store is the truth; NATS only announces what was committed. The
// guarantees follow from that:
//
//   - Local delivery always: Publish hands the event to this node's own
//     subscribers at once, whether NATS is up or not, so a node works on its
//     own during an outage. The connection is opened with NoEcho, so a node
//     never receives its own events a second time from NATS.
//   - At most once across nodes: an event reaches another node's subscribers
//     once or, when NATS was unreachable or the node fell behind, not at all.
//   - In order per publisher: events published by one goroutine on one node
//     reach every subscriber in that order. Events of different publishers
//     may interleave; receivers order stored events by Seq.
//   - Resync: whenever this node may have missed announcements (after a
//     reconnect, after a first connect once Open found NATS down, or when
//     events were dropped because a subscriber fell far behind), its
//     subscribers receive a chat.Event of kind chat.KindResync and catch up
//     from the store. When the resync is delivered, the node's subscription
//     is active on the server again, so everything published afterwards
//     arrives. A resync event never leaves the node.
//
// Concurrency: one goroutine per Bus, owned by it and waited for by Close,
// calls the subscriber functions, one event at a time, so a function is never
// called concurrently with itself or with another subscriber's. It is fed by
// an in-memory queue that Publish and the NATS handler append to and that
// never blocks them; subscriber functions must not block either.
package natsbus
