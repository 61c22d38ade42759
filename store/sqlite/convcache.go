package sqlite

import (
	"cmp"
	"sync"

	"skranke/chat"
)

// The writer keeps the open conversations it has appended to in memory
// (convCache), so that a batch reads a conversation from the database
// only the first time the writer meets it, not once per batch: with many
// chats open, a batch holds one message each of many chats, and that
// SELECT (with the decoding of its JSON columns) was a fifth of the
// writer's time (docs/benchmarks.md, "The SQLite writer (issue 16)").
//
// It can be trusted because the DB is the only writer of its file (the
// write pool has one connection) and only three transactions write
// conversations rows: StartConversation inserts one (a new id, which the
// cache cannot hold, since a conversation in the cache exists and an
// insert of an existing id fails; it runs in commitBatch's transaction,
// workInBatch), commitBatch updates them, and
// DeleteConversations deletes ended ones. Both of the latter hold
// convCache.mu from before their transaction begins until the cache agrees
// with what they committed:
//   - commitBatch puts what it read and what it wrote in the cache only
//     after its commit succeeded, and on a failed commit drops the batch's
//     conversations, so the cache is never ahead of the database;
//   - DeleteConversations drops the conversations it deleted.
//
// The command line's administration (server.OpenAdmin) opens a store on
// the same file while a server runs, but writes no conversation. Were the
// cache wrong all the same, an event would take a seq that is stored
// already: the events' primary key refuses it, the batch fails, and its
// conversations are read again by the next one.
//
// Ended conversations are not kept (few events follow an end, and they
// are what DeleteConversations deletes), and the cache is emptied when it
// reaches maxCachedConversations, which bounds its memory.
type convCache struct {
	// mu is held by a transaction that writes conversations rows, from
	// before it begins until the cache is up to date with it.
	mu  sync.Mutex
	m   map[chat.ConversationID]cachedConversation
	max int // entries at which the cache is emptied; maxCachedConversations if 0 (tests set it)
}

// cachedConversation is a conversation as committed, and its ord (the
// chat log's and the search index's number of it, migration 00009).
type cachedConversation struct {
	c   chat.Conversation
	ord int64
}

// maxCachedConversations bounds the cache: some hundreds of bytes each,
// far more than a node has chats open at once.
const maxCachedConversations = 20000

// get returns conversation id as committed, if the cache has it. The
// caller holds mu.
func (cc *convCache) get(id chat.ConversationID) (cachedConversation, bool) {
	v, ok := cc.m[id]
	return v, ok
}

// put records v as committed. The caller holds mu.
func (cc *convCache) put(v cachedConversation) {
	if v.c.Status == chat.StatusEnded {
		delete(cc.m, v.c.ID)
		return
	}
	if cc.m == nil || len(cc.m) >= cmp.Or(cc.max, maxCachedConversations) {
		cc.m = make(map[chat.ConversationID]cachedConversation)
	}
	v.c = v.c.Clone()
	cc.m[v.c.ID] = v
}

// drop forgets the conversations ids. The caller holds mu.
func (cc *convCache) drop(ids ...chat.ConversationID) {
	for _, id := range ids {
		delete(cc.m, id)
	}
}
