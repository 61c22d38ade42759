package realtime

import (
	"context"
	"slices"
	"sync"
	"time"

	"skranke/chat"
)

// Customer presence. The hub counts, per conversation, the customer
// sessions subscribed to it on this node (shard.customers, under the
// shard's lock). When a conversation gets its first one or loses its last
// one, the change is noted in out; Run's goroutine publishes what is noted
// as one customer_presence message, so a reconnect storm of thousands of
// widgets costs a handful of messages, and a reload that closes and opens
// a socket between two flushes costs none.
//
// Run also owns the messages' sequence: they are numbered 1, 2, 3, … per
// run of the node (Boot), and every heartbeat says how many were sent
// (node_heartbeat). A router that misses one, or hears of this node for
// the first time, asks for a snapshot (presence_request), which Run
// publishes as messages that replace what the router knew of this node.
// So nothing depends on every message arriving, and no message is sent
// per customer per heartbeat: 12,500 idle sockets cost one heartbeat.

// snapshotPart is the most conversation ids one presence message carries,
// so a message stays far below NATS's payload limit (1 MB by default).
const snapshotPart = 2000

// presenceOut is what the hub has to publish about its customer sockets.
type presenceOut struct {
	boot   string        // this run of the node; immutable after NewHub
	signal chan struct{} // capacity 1: something is noted

	mu       sync.Mutex
	pending  map[chat.ConversationID]bool // changes not yet published: has a customer socket now
	snapshot bool                         // a snapshot was asked for

	seq uint64 // messages published this run; owned by Run's goroutine
}

func newPresenceOut() *presenceOut {
	return &presenceOut{boot: chat.NewID()[:12], signal: make(chan struct{}, 1), pending: make(map[chat.ConversationID]bool)}
}

// note records that conversation id has (online) or no longer has a
// customer socket on this node. The caller holds the conversation's shard
// lock, so the notes of one conversation are in the order of its changes.
func (o *presenceOut) note(id chat.ConversationID, online bool) {
	o.mu.Lock()
	o.pending[id] = online
	o.mu.Unlock()
	o.wake()
}

// askSnapshot asks for a snapshot at the next flush.
func (o *presenceOut) askSnapshot() {
	o.mu.Lock()
	o.snapshot = true
	o.mu.Unlock()
	o.wake()
}

func (o *presenceOut) wake() {
	select {
	case o.signal <- struct{}{}:
	default:
	}
}

// take returns the changes noted since the last take, and whether a
// snapshot is due (then the changes are left out: the snapshot, read after
// them, holds them).
func (o *presenceOut) take() (changes map[chat.ConversationID]bool, snapshot bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	changes, snapshot = o.pending, o.snapshot
	o.pending, o.snapshot = make(map[chat.ConversationID]bool), false
	return changes, snapshot
}

// customerJoined counts a customer session of conversation id in sh and
// reports whether it is the first. The caller holds sh.mu.
func (sh *shard) customerJoined(id chat.ConversationID) bool {
	sh.customers[id]++
	return sh.customers[id] == 1
}

// customerParted uncounts one and reports whether it was the last. The
// caller holds sh.mu.
func (sh *shard) customerParted(id chat.ConversationID) bool {
	n := sh.customers[id] - 1
	if n > 0 {
		sh.customers[id] = n
		return false
	}
	delete(sh.customers, id)
	return true
}

// flushPresence publishes what is noted: a snapshot if one was asked for,
// otherwise the changes. Only Run's goroutine calls it.
func (h *Hub) flushPresence(ctx context.Context) {
	changes, snapshot := h.out.take()
	if snapshot {
		h.publishSnapshot(ctx)
		return
	}
	var online, offline []chat.ConversationID
	for id, on := range changes {
		if on {
			online = append(online, id)
		} else {
			offline = append(offline, id)
		}
	}
	slices.Sort(online)
	slices.Sort(offline)
	for len(online)+len(offline) > 0 {
		p := h.presenceMessage()
		n := min(len(online), snapshotPart)
		p.Online, online = online[:n], online[n:]
		m := min(len(offline), snapshotPart-n)
		p.Offline, offline = offline[:m], offline[m:]
		h.publishPresence(ctx, p)
	}
}

// publishSnapshot publishes every conversation with a customer socket on
// this node, in parts.
func (h *Hub) publishSnapshot(ctx context.Context) {
	var ids []chat.ConversationID
	for i := range h.shards {
		sh := &h.shards[i]
		sh.mu.RLock()
		for id := range sh.customers {
			ids = append(ids, id)
		}
		sh.mu.RUnlock()
	}
	slices.Sort(ids)
	first := true
	for {
		p := h.presenceMessage()
		n := min(len(ids), snapshotPart)
		p.Online, ids = ids[:n], ids[n:]
		p.Reset, p.Complete = first, len(ids) == 0
		first = false
		h.publishPresence(ctx, p)
		if p.Complete {
			return
		}
	}
}

// presenceMessage is the next presence message of this node, numbered.
func (h *Hub) presenceMessage() chat.CustomerPresence {
	h.out.seq++
	return chat.CustomerPresence{Node: h.opts.NodeID, Boot: h.out.boot, Seq: h.out.seq}
}

func (h *Hub) publishPresence(ctx context.Context, p chat.CustomerPresence) {
	h.publish(ctx, chat.Event{Kind: chat.KindCustomerPresence, Time: time.Now(), Visibility: chat.VisibleAgents, Author: chat.System, Data: p})
}

// nodeHeartbeat says this node is alive and how many presence messages it
// has published. Only Run's goroutine calls it, so the count is of
// messages already handed to the bus.
func (h *Hub) nodeHeartbeat(ctx context.Context) {
	h.publish(ctx, chat.Event{Kind: chat.KindNodeHeartbeat, Time: time.Now(), Visibility: chat.VisibleAgents, Author: chat.System,
		Data: chat.NodeHeartbeat{Node: h.opts.NodeID, Boot: h.out.boot, Seq: h.out.seq}})
}

// presenceRequested answers a router's presence_request for this node (or
// every node) with a snapshot at the next flush.
func (h *Hub) presenceRequested(e chat.Event) {
	if r, _ := e.Data.(chat.PresenceRequest); r.Node == "" || r.Node == h.opts.NodeID {
		h.out.askSnapshot()
	}
}
