package chat

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestEvent_JSON checks that every payload round-trips through the flat
// wire object, and that the object is flat: the payload's fields sit beside
// the envelope's, as docs/protocol.md shows them.
func TestEvent_JSON(t *testing.T) {
	two := 2
	ref := AgentRef{AgentID: "u-anna", AgentName: "Anna"}
	exp := t0.Add(30 * time.Second)
	tests := []struct {
		e    Event
		want []string // substrings of the JSON
	}{
		{Event{Kind: KindStarted, Data: Started{QueueID: "sales"}}, []string{`"queueId":"sales"`}},
		{Event{Kind: KindOffered, Data: Offered{AgentRef: ref, ExpiresAt: exp}}, []string{`"agentId":"u-anna"`, `"agentName":"Anna"`, `"expiresAt":"2026-11-25T10:00:30Z"`}},
		{Event{Kind: KindOfferDeclined, Data: OfferDeclined{AgentRef: ref, Reason: ReasonExpired}}, []string{`"reason":"expired"`}},
		{Event{Kind: KindAgentJoined, Data: AgentJoined{AgentRef: ref}}, []string{`"agentName":"Anna"`}},
		{Event{Kind: KindAgentLeft, Data: AgentLeft{AgentRef: ref, Reason: ReasonLeft}}, []string{`"reason":"left"`}},
		{Event{Kind: KindRequeued, Data: Requeued{QueueID: "sales", Reason: ReasonDisconnected}}, []string{`"queueId":"sales"`}},
		{Event{Kind: KindEnded, Data: Ended{Reason: "customer_left"}}, []string{`"reason":"customer_left"`}},
		{Event{Kind: KindInvited, Text: "note", Data: Invited{AgentRef: ref, QueueID: "support", ExpiresAt: exp}}, []string{`"text":"note"`, `"queueId":"support"`}},
		{Event{Kind: KindInvitationDeclined, Data: InvitationDeclined{QueueID: "support", Reason: ReasonUnavailable}}, []string{`"reason":"unavailable"`}},
		{Event{Kind: KindQueueStatus, Data: QueueStatus{QueueID: "sales", Position: 3, AgentsOnline: &two}}, []string{`"position":3`, `"agentsOnline":2`}},
		{Event{Kind: KindAgentStatus, Data: AgentStatusChange{AgentRef: ref, Status: StatusPaused, ProfileID: "all", Reason: ReasonMissedOffers}}, []string{`"status":"paused"`, `"profileId":"all"`}},
		{Event{Kind: KindPresence, Data: Presence{AgentID: "u-anna", Online: true, Node: "n1"}}, []string{`"online":true`, `"node":"n1"`}},
		{Event{Kind: KindMessage, Text: "hi"}, []string{`"text":"hi"`}},
		{Event{Kind: KindMessage, Text: "<b>&"}, []string{`"text":"\u003cb\u003e\u0026"`}}, // escaped as json.Marshal does
		{Event{Kind: KindMessage, Data: Message{Attachments: []AttachmentRef{{ID: "a1", Name: "cat.png", Type: "image/png", Size: 9, Width: 3, Height: 2, Thumbnail: true}}}},
			[]string{`"attachments":[{"id":"a1","name":"cat.png","type":"image/png","size":9,"width":3,"height":2,"thumbnail":true}]`}},
		{Event{Kind: KindEnded, Data: Ended{}}, []string{`"kind":"ended"`}},
		{Event{Kind: KindMenu, Text: "Which plan?", Data: Menu{MenuID: "m1", Options: []MenuOption{{ID: "1", Label: "Basic"}, {ID: "2", Label: "Pro"}}, SavedMenuID: "plans"}},
			[]string{`"text":"Which plan?"`, `"menuId":"m1"`, `"options":[{"id":"1","label":"Basic"},{"id":"2","label":"Pro"}]`, `"savedMenuId":"plans"`}},
		{Event{Kind: KindChoice, Text: "Pro", Data: Choice{MenuID: "m1", OptionID: "2"}}, []string{`"menuId":"m1"`, `"optionId":"2"`, `"text":"Pro"`}},
		{Event{Kind: KindMenuWithdrawn, Data: MenuWithdrawn{MenuID: "m1"}}, []string{`"menuId":"m1"`}},
	}
	for _, tt := range tests {
		t.Run(string(tt.e.Kind), func(t *testing.T) {
			tt.e.ConversationID, tt.e.Seq, tt.e.Time, tt.e.Author = "c1", 4, t0, System
			b, err := json.Marshal(tt.e)
			if err != nil {
				t.Fatalf("Marshal(%+v) = %v", tt.e, err)
			}
			for _, w := range append(tt.want, `"conversationId":"c1"`, `"seq":4`) {
				if !strings.Contains(string(b), w) {
					t.Errorf("JSON %s lacks %s", b, w)
				}
			}
			// AppendJSON writes the same after what a buffer holds, in its
			// spare room or not, and compact.
			for _, prefix := range [][]byte{[]byte(`{"x":`), append(make([]byte, 0, 4096), `{"x":`...)} {
				got, err := tt.e.AppendJSON(prefix)
				if err != nil || string(got) != `{"x":`+string(b) {
					t.Errorf("AppendJSON(%q) = %s, %v; want the prefix and %s", prefix, got, err, b)
				}
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, b); err != nil || compact.String() != string(b) {
				t.Errorf("JSON %s is not compact: %v", b, err)
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("JSON %s is not one object: %v", b, err)
			}
			var back Event
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("Unmarshal(%s) = %v", b, err)
			}
			want := tt.e
			if d, ok := want.Data.(Ended); ok && d == (Ended{}) {
				back.Data = Ended{} // an empty payload is no payload on the wire
				if !strings.Contains(string(b), `"kind":"ended","visibility"`) || strings.Contains(string(b), "reason") {
					t.Errorf("empty Ended JSON = %s", b)
				}
			}
			if diff := cmp.Diff(want, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConversation_Apply_payloadMustMatchKind(t *testing.T) {
	c := newTestConversation(t)
	for _, e := range []Event{
		{Kind: KindOffered, Author: System, Data: AgentJoined{AgentRef: AgentRef{AgentID: "anna"}}},
		{Kind: KindOffered, Author: System},
		{Kind: KindMessage, Author: customer, Text: "hi", Data: Ended{}},
	} {
		e.Time = t0
		if _, _, err := c.Apply(e); ErrorCode(err) != EInvalid {
			t.Errorf("Apply(%s with %T) = %v, want invalid", e.Kind, e.Data, err)
		}
	}
}

func TestConversation_Apply_controlCharacters(t *testing.T) {
	c := newTestConversation(t)
	for _, e := range []Event{
		{Kind: KindMessage, Author: customer, Visibility: VisibleAll, Text: "nul \x00 here"},
		{Kind: KindMessage, Author: customer, Text: "escape \x1b[31m"},
		{Kind: KindMessage, Author: customer, Text: "fine", ClientMsgID: "id\x00"},
		{Kind: KindMessage, Author: customer, Text: "bad utf-8 \xff"},
	} {
		e.Time = t0
		if _, _, err := c.Apply(e); ErrorCode(err) != EInvalid {
			t.Errorf("Apply(message %q, id %q) = %v, want invalid", e.Text, e.ClientMsgID, err)
		}
	}
	e := Event{Kind: KindMessage, Author: customer, Visibility: VisibleAll, Text: "line one\nline two\ttabbed", Time: t0}
	if _, _, err := c.Apply(e); err != nil {
		t.Errorf("Apply(message with newline and tab) = %v", err)
	}
	if _, _, err := NewConversation("c2", "cust", "sales", "Ka\x00ri", t0); ErrorCode(err) != EInvalid {
		t.Errorf("NewConversation(name with NUL) = %v, want invalid", err)
	}
	if _, _, err := NewConversation("c2", "cust", "sales", "Kari\nNordmann", t0); ErrorCode(err) != EInvalid {
		t.Errorf("NewConversation(name on two lines) = %v, want invalid", err)
	}
}

func TestParticipations(t *testing.T) {
	c := newTestConversation(t)
	steps := []struct {
		e    Event
		want []ParticipationChange
	}{
		{offer("anna", t0), []ParticipationChange{{AgentID: "anna", State: ParticipationOffered}}},
		{Event{Kind: KindOfferDeclined, Author: anna, Data: OfferDeclined{AgentRef: AgentRef{AgentID: "anna"}, Reason: ReasonRejected}},
			[]ParticipationChange{{AgentID: "anna", State: ParticipationGone}}},
		{offer("bjorn", t0), []ParticipationChange{{AgentID: "bjorn", State: ParticipationOffered}}},
		{Event{Kind: KindAgentJoined, Author: bjorn, Data: AgentJoined{AgentRef: AgentRef{AgentID: "bjorn"}}},
			[]ParticipationChange{{AgentID: "bjorn", State: ParticipationJoined, Joined: true}}},
		{Event{Kind: KindInvited, Author: bjorn, Data: Invited{AgentRef: AgentRef{AgentID: "anna"}, ExpiresAt: t0.Add(time.Minute)}}, []ParticipationChange{{AgentID: "anna", State: ParticipationInvited}}},
		{Event{Kind: KindAgentJoined, Author: anna, Data: AgentJoined{AgentRef: AgentRef{AgentID: "anna"}}},
			[]ParticipationChange{{AgentID: "anna", State: ParticipationJoined, Joined: true}}},
		{Event{Kind: KindAgentLeft, Author: bjorn, Data: AgentLeft{AgentRef: AgentRef{AgentID: "bjorn"}, Reason: ReasonLeft}},
			[]ParticipationChange{{AgentID: "bjorn", State: ParticipationGone, Left: true}}},
		{Event{Kind: KindMessage, Author: anna, Visibility: VisibleAll, Text: "hi"}, nil},
		{Event{Kind: KindEnded, Author: customer},
			[]ParticipationChange{{AgentID: "anna", State: ParticipationJoined, Left: true}}},
	}
	for i, st := range steps {
		st.e.Time = t0
		n, _, err := c.Apply(st.e)
		if err != nil {
			t.Fatalf("step %d: Apply(%s) = %v", i, st.e.Kind, err)
		}
		got := Participations(c, n, n.LastSeq, t0)
		for j := range st.want {
			st.want[j].ConversationID, st.want[j].At, st.want[j].Seq = c.ID, t0, n.LastSeq
		}
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("step %d (%s): Participations (-want +got):\n%s", i, st.e.Kind, diff)
		}
		c = n
	}
}

func TestE(t *testing.T) {
	err := E(ETooLarge, "message_too_long", "The message is longer than {max} characters.", "max", 5000)
	if err.Message != "The message is longer than 5000 characters." || err.Reason != "message_too_long" || err.Params["max"] != 5000 {
		t.Errorf("E(…) = %+v", err)
	}
	if got := ErrorOf(E(EConflict, "x", "X.")); got.Reason != "x" {
		t.Errorf("ErrorOf(E) = %+v", got)
	}
	if got := ErrorOf(strings.NewReader("").UnreadByte()); got.Code != EInternal || got.Reason != "internal" || got.Message != "Internal error." {
		t.Errorf("ErrorOf(plain error) = %+v", got)
	}
	// Parameters reach clients as strings and numbers only: a named string
	// type as its string, anything else as its text.
	err = E(EInvalid, "kind_unknown", "Unknown event kind \"{kind}\" after {seq} in {d}.", "kind", Kind("dance"), "seq", Seq(4), "d", time.Second)
	want := map[string]any{"kind": "dance", "seq": "4", "d": "1s"}
	if diff := cmp.Diff(want, err.Params); diff != "" || err.Message != `Unknown event kind "dance" after 4 in 1s.` {
		t.Errorf("E(named types) = %+v; params (-want +got):\n%s", err, diff)
	}
}

func TestCheckText(t *testing.T) {
	for _, tc := range []struct {
		s      string
		f      TextField
		reason string
		msg    string
	}{
		{"Kari\x00", TextName, "name_control_character", "The name contains a control character."},
		{"\xff", TextName, "name_not_utf8", "The name is not valid UTF-8 text."},
		{"escape \x1b[31m", TextMessage, "message_control_character", "The message contains a control character."},
		{"bad \xff", TextMessage, "message_not_utf8", "The message is not valid UTF-8 text."},
		{"\x7f", TextNote, "note_control_character", "The note contains a control character."},
		{"\xc3", TextNote, "note_not_utf8", "The note is not valid UTF-8 text."},
		{"id\x00", TextClientMsgID, "client_msg_id_control_character", "The client message id contains a control character."},
		{"id\xff", TextClientMsgID, "client_msg_id_not_utf8", "The client message id is not valid UTF-8 text."},
		{"line one\nline two\ttabbed", TextMessage, "", ""},
	} {
		err := CheckText(tc.s, tc.f)
		if tc.reason == "" {
			if err != nil {
				t.Errorf("CheckText(%q, %d) = %v, want nil", tc.s, tc.f, err)
			}
			continue
		}
		if e := ErrorOf(err); e == nil || e.Code != EInvalid || e.Reason != tc.reason || e.Message != tc.msg {
			t.Errorf("CheckText(%q, %d) = %+v, want invalid %s %q", tc.s, tc.f, e, tc.reason, tc.msg)
		}
	}
}
