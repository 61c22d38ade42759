// Package routing offers each waiting chat to one eligible agent at a time.
//
// # Model
//
// A Router is an actor. Router.Run is the only goroutine that reads or
// writes routing state (agents, their load and presence, the waiting chats,
// timers). Everything else reaches it by posting a message into an
// unbounded, mutex-guarded inbox with a one-slot signal channel: the bus
// subscription, the offer, grace and retry timers (time.AfterFunc) and
// Router.Queues. Posting never blocks and never drops a message while Run
// runs; after Run has returned, posts are discarded, so a timer that fires
// late neither blocks nor panics.
//
// The store is the truth. chat.Conversation.Apply, run by the store inside
// AppendEvent, decides whether an offer, an acceptance or a decline is
// allowed; the router only proposes. Agents' accept and reject, and
// customers' end, are appended by other packages and reach the router as bus
// events. An event that comes next in a conversation the router knows
// (Seq one past its own) is folded in by the same chat.Conversation.Apply
// the store ran on it; for any other the router re-reads the conversation
// from the store (unless it already holds that Seq). Either way its view of
// a conversation is the fold the store produced. A conflict on
// the router's own append (an agent accepted at the instant the offer
// expired) is normal: the router re-reads the conversation and goes on.
//
// # Guarantees
//
//   - A chat has at most one open offer (enforced by Apply; the router never
//     proposes a second).
//   - Waiting chats are considered in routing order: Priority descending,
//     then their queue's priority descending, then QueuedAt ascending, then
//     id. A declined chat keeps its QueuedAt and so its place; a requeued
//     chat gets Priority 1 and goes to the front.
//   - An agent is eligible for a queue when online (presence), ready, its
//     active profile contains the queue and its load (chats it is in plus
//     open offers to it) is below its capacity. Among eligible agents the
//     least loaded wins, then the longest idle, then the lowest user id.
//   - An agent who declined a chat (rejected, let it expire, disconnected)
//     is not offered it again while another agent is eligible; if only
//     decliners are, the oldest decline is retried, no sooner than
//     Options.RetryDelay after it.
//   - An offer expires after its queue's offer timeout (Options.OfferTimeout
//     for a queue without one), at its ExpiresAt, also across a restart: rebuilt
//     offers keep their original expiry. MaxMissedOffers expiries in a row
//     pause the agent (stored, and announced as agent_status with reason
//     missed_offers); an acceptance resets the count.
//   - An agent who goes offline gets no offers, loses any open offer at once
//     and keeps its chats for Options.Grace; after it the agent leaves them
//     and a chat left without agents is requeued at the front of its queue.
//     After a restart nobody is online until presence arrives, so agents
//     with chats start a grace period at rebuild.
//   - A routing action that fails is not forgotten (repair.go): the router
//     keeps two invariants — no chat held by an agent offline for longer
//     than Grace, no active chat without agents and without a pending
//     invitation — and restores them after any failure and every
//     Options.RepairInterval, until they hold. Router.Violations reports
//     any that lasts.
//   - Customer presence (customers.go): realtime nodes announce when a
//     conversation gets its first customer socket on the node or loses its
//     last one, numbered per node run, plus one heartbeat per node; a gap or
//     a rebuild makes the router ask for snapshots. A customer who connected
//     and has been on no node for Options.CustomerGrace is recorded as left
//     (customer_left), and as back (customer_returned) when present again. A
//     waiting chat whose customer left is not offered and, if the customer is
//     not back within Options.AbandonAfter of leaving, is ended (reason
//     customer_left). Both timers are rebuilt from the store.
//   - Each waiting chat's customer gets queue_status events when its position
//     or the number of online agents for its queue changes, at most once per
//     Options.StatusInterval (a new chat gets its first at once), with the
//     expected wait estimated from the queue's recent answers and its ready
//     agents (estimate.go), or none when the router cannot tell.
//   - Directory changes (directory.go) take effect at the next offer: the
//     router re-reads the users, profiles and queues a directory_changed
//     event names, and the whole directory at every resync. A deactivated
//     agent is taken out of routing at once, its chats requeued.
//
// # Ordering
//
// Messages are handled in the order they were posted. Events of different
// conversations, and ephemeral events, carry no order relative to each
// other; the router does not need one: a gap in a conversation's Seq makes
// it re-read that conversation from the store. Events the router appends are published on the bus after they are
// committed, in commit order for each conversation.
//
// # Leadership
//
// Exactly one Router may run against a store at a time. Run rebuilds all
// routing state from the store when it starts, so a new leader (or the same
// process after a restart) takes over without losing offers or chats.
package routing
