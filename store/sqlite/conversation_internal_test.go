package sqlite

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store/storetest"
)

// TestLogOnly checks that a plain message takes the narrow update of its
// conversation (updateConversationLogSQL), from a conversation as read
// from the database and as the writer's cache holds it, and that an event
// that changes more (an agent joining) takes the full one.
func TestLogOnly(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "skranke.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := storetest.Start(t, db, "c1")
	read, err := db.Conversation(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.AppendEvent(t.Context(), storetest.Message(c, "m1"))
	if err != nil {
		t.Fatal(err)
	}
	if !logOnly(read, first.Conversation) {
		t.Errorf("logOnly(as read, after a message) = false, want true:\n%+v\n%+v", read, first.Conversation)
	}
	second, err := db.AppendEvent(t.Context(), storetest.Message(c, "m2"))
	if err != nil {
		t.Fatal(err)
	}
	if !logOnly(first.Conversation.Clone(), second.Conversation) {
		t.Errorf("logOnly(as cached, after a message) = false, want true:\n%+v\n%+v", first.Conversation, second.Conversation)
	}
	joined := second.Conversation
	joined.Agents = append(joined.Agents, chat.UserID("a1"))
	if logOnly(second.Conversation, joined) {
		t.Errorf("logOnly(before, with an agent more) = true, want false")
	}
	joined = second.Conversation
	joined.Status = chat.StatusEnded
	if logOnly(second.Conversation, joined) {
		t.Errorf("logOnly(before, ended) = true, want false")
	}
	if got, err := db.Conversation(t.Context(), c.ID); err != nil || got.LastSeq != second.Event.Seq || got.Record != second.Conversation.Record {
		t.Errorf("Conversation(%s) = LastSeq %d, Record %+v, %v; want %d, %+v", c.ID, got.LastSeq, got.Record, err, second.Event.Seq, second.Conversation.Record)
	}
}

// TestLogOnlyFields changes every field of a conversation, and every field
// of what it points to and lists, one at a time, and checks that logOnly
// sees each change but those of LastSeq and Record: a field added to
// chat.Conversation (or to an offer, an invitation or a menu) that logOnly
// does not compare fails here, instead of being lost by the narrow update.
func TestLogOnlyFields(t *testing.T) {
	timeType := reflect.TypeFor[time.Time]()
	type leaf struct {
		steps []int // field indexes from chat.Conversation down to the leaf
		name  string
	}
	var leaves []leaf
	var find func(ty reflect.Type, steps []int, name string)
	find = func(ty reflect.Type, steps []int, name string) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || ty == timeType {
			leaves = append(leaves, leaf{steps, name})
			return
		}
		for i := range ty.NumField() {
			find(ty.Field(i).Type, append(slices.Clone(steps), i), strings.TrimPrefix(name+"."+ty.Field(i).Name, "."))
		}
	}
	find(reflect.TypeFor[chat.Conversation](), nil, "")

	// build fills v down to the leaf at steps (a pointer on the way points
	// to a zero value, a list on the way holds one) and, if change, sets
	// the leaf to something other than its zero value.
	var build func(v reflect.Value, steps []int, change bool)
	build = func(v reflect.Value, steps []int, change bool) {
		switch {
		case v.Kind() == reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
			build(v.Elem(), steps, change)
		case v.Kind() == reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			build(v.Index(0), steps, change)
		case v.Type() == timeType:
			if change {
				v.Set(reflect.ValueOf(time.Unix(1, 0)))
			}
		case v.Kind() == reflect.Struct:
			build(v.Field(steps[0]), steps[1:], change)
		case !change:
		case v.Kind() == reflect.String:
			v.SetString("x")
		case v.CanInt():
			v.SetInt(1)
		case v.Kind() == reflect.Bool:
			v.SetBool(true)
		default:
			t.Fatalf("no change known for a %s", v.Type())
		}
	}
	for _, l := range leaves {
		var before, after chat.Conversation
		build(reflect.ValueOf(&before).Elem(), l.steps, false)
		build(reflect.ValueOf(&after).Elem(), l.steps, true)
		want := l.name != "LastSeq" && !strings.HasPrefix(l.name, "Record.")
		if got := !logOnly(before, after); got != want {
			t.Errorf("a change of %s: logOnly sees a change %t, want %t", l.name, got, want)
		}
	}
	if len(leaves) < 39 { // as many as today
		t.Errorf("%d fields found, want every field of chat.Conversation and of what it holds", len(leaves))
	}
}
