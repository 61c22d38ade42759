// Package bus carries committed and ephemeral chat events between the parts
// of Skranke and, in a multi-node deployment, between nodes.
//
// Guarantees: the store is the truth and the bus only announces. An event is
// published after it is committed, so a subscriber that reads the store after
// receiving event N finds every event up to N. Events of one conversation
// published by one goroutine arrive in that order; events published by
// different goroutines may interleave, so receivers order by Seq and fill a
// gap from the store (realtime does). A subscriber's function must not block.
package bus
