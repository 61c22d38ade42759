package natsbus

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"skranke/chat"
)

func TestQueue_overflowOwesResync(t *testing.T) {
	q := newQueue(2)
	ev := func(seq chat.Seq) chat.Event { return chat.Event{Kind: chat.KindMessage, Seq: seq} }
	resync := chat.Event{Kind: chat.KindResync}
	for i := 1; i <= 4; i++ {
		q.push(ev(chat.Seq(i)))
	}
	if got, want := q.take(nil), []chat.Event{ev(1), ev(2), resync}; !cmp.Equal(got, want) {
		t.Errorf("take() after overflow = %v, want %v", got, want)
	}
	q.push(ev(5))
	if got, want := q.take(nil), []chat.Event{ev(5)}; !cmp.Equal(got, want) {
		t.Errorf("take() = %v, want %v", got, want)
	}
	q.push(ev(6))
	q.push(ev(7))
	q.pushResync() // full: owed, follows what waits
	if got, want := q.take(nil), []chat.Event{ev(6), ev(7), resync}; !cmp.Equal(got, want) {
		t.Errorf("take() after a resync on a full queue = %v, want %v", got, want)
	}
	q.close()
	q.push(ev(8))
	if got := q.take(nil); len(got) != 0 {
		t.Errorf("take() after close = %v, want nothing", got)
	}
}
