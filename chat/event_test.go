package chat

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestForCustomer(t *testing.T) {
	expires := t0.Add(30e9)
	tests := []struct {
		name string
		in   Event
		want Event
		ok   bool
	}{
		{
			name: "public agent message loses the agent's id",
			in:   Event{ConversationID: "c", Seq: 4, Time: t0, Kind: KindMessage, Visibility: VisibleAll, Author: anna, ClientMsgID: "a1", Text: "Hi"},
			want: Event{ConversationID: "c", Seq: 4, Time: t0, Kind: KindMessage, Visibility: VisibleAll, Author: Participant{Role: PartyAgent, Name: "Anna"}, Text: "Hi"},
			ok:   true,
		},
		{
			name: "own message keeps its client id",
			in:   Event{Seq: 5, Time: t0, Kind: KindMessage, Visibility: VisibleAll, Author: customer, ClientMsgID: "c1", Text: "Hello"},
			want: Event{Seq: 5, Time: t0, Kind: KindMessage, Visibility: VisibleAll, Author: Participant{Role: PartyCustomer, Name: "Kari"}, ClientMsgID: "c1", Text: "Hello"},
			ok:   true,
		},
		{
			name: "private message is hidden",
			in:   Event{Seq: 6, Kind: KindMessage, Visibility: VisibleAgents, Author: anna, Text: "secret"},
			ok:   false,
		},
		{
			name: "offer is hidden",
			in:   Event{Seq: 2, Kind: KindOffered, Visibility: VisibleAgents, Data: Offered{AgentRef: AgentRef{AgentID: "anna"}, ExpiresAt: expires}},
			ok:   false,
		},
		{
			name: "an offer marked visible to all is still hidden",
			in:   Event{Seq: 2, Kind: KindOffered, Visibility: VisibleAll, Data: Offered{AgentRef: AgentRef{AgentID: "anna"}, ExpiresAt: expires}},
			ok:   false,
		},
		{
			name: "agent status is hidden even if marked all",
			in:   Event{Kind: KindAgentStatus, Visibility: VisibleAll, Data: AgentStatusChange{AgentRef: AgentRef{AgentID: "anna"}, Status: StatusPaused}},
			ok:   false,
		},
		{
			name: "joined names the agent by display name only",
			in:   Event{Seq: 3, Kind: KindAgentJoined, Visibility: VisibleAll, Author: anna, Data: AgentJoined{AgentRef: AgentRef{AgentID: "anna", AgentName: "Anna"}}},
			want: Event{Seq: 3, Kind: KindAgentJoined, Visibility: VisibleAll, Author: Participant{Role: PartyAgent, Name: "Anna"}, Data: AgentJoined{AgentRef: AgentRef{AgentName: "Anna"}}},
			ok:   true,
		},
		{
			name: "private typing is hidden",
			in:   Event{Kind: KindTyping, Visibility: VisibleAgents, Author: anna},
			ok:   false,
		},
		{
			name: "queue status passes",
			in:   Event{ConversationID: "c", Kind: KindQueueStatus, Visibility: VisibleAll, Author: System, Data: QueueStatus{Position: 2, AgentsOnline: new(int)}},
			want: Event{ConversationID: "c", Kind: KindQueueStatus, Visibility: VisibleAll, Author: System, Data: QueueStatus{Position: 2, AgentsOnline: new(int)}},
			ok:   true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ce, ok := ForCustomer(tt.in)
			if ok != tt.ok {
				t.Fatalf("ForCustomer(%+v) ok = %v, want %v", tt.in, ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, ce.Event()); diff != "" {
				t.Errorf("ForCustomer (-want +got):\n%s", diff)
			}
		})
	}
}

// TestForCustomer_randomLogs builds random logs through Apply, with a unique
// marker in every private message and every internal id, and checks that no
// marker survives the filter in the customer's JSON, whatever the order of
// events.
func TestForCustomer_randomLogs(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 7))
		c, first, err := NewConversation("conv", "CUSTID-SECRET", "sales", "Kari", t0)
		if err != nil {
			t.Fatal(err)
		}
		log := []Event{first}
		agents := []Participant{
			{Role: PartyAgent, ID: "AGENTID-SECRET-1", Name: "Anna"},
			{Role: PartyAgent, ID: "AGENTID-SECRET-2", Name: "Bjørn"},
		}
		now := t0
		for i := range 60 {
			now = now.Add(1e9)
			a := agents[r.IntN(2)]
			var e Event
			switch r.IntN(6) {
			case 0:
				e = Event{Kind: KindOffered, Author: System, Data: Offered{AgentRef: AgentRef{AgentID: UserID(a.ID), AgentName: a.Name}, ExpiresAt: now.Add(30e9)}}
			case 1:
				e = Event{Kind: KindAgentJoined, Author: a, Data: AgentJoined{AgentRef: AgentRef{AgentID: UserID(a.ID), AgentName: a.Name}}}
			case 2:
				e = Event{Kind: KindMessage, Author: a, Visibility: VisibleAgents, Text: fmt.Sprintf("PRIVATE-MARKER-%d", i), ClientMsgID: fmt.Sprintf("PRIVCLIENT-%d", i)}
			case 3:
				e = Event{Kind: KindMessage, Author: a, Visibility: VisibleAll, Text: fmt.Sprintf("public %d", i), ClientMsgID: fmt.Sprintf("AGENTCLIENT-%d", i)}
			case 4:
				e = Event{Kind: KindMessage, Author: Participant{Role: PartyCustomer, ID: "CUSTID-SECRET", Name: "Kari"}, Visibility: VisibleAll, Text: fmt.Sprintf("customer %d", i)}
			case 5:
				e = Event{Kind: KindOfferDeclined, Author: a, Data: OfferDeclined{AgentRef: AgentRef{AgentID: UserID(a.ID)}, Reason: ReasonRejected}}
			}
			e.Time = now
			n, stored, err := c.Apply(e)
			if err != nil {
				continue
			}
			c = n
			log = append(log, stored)
		}
		var out strings.Builder
		for _, e := range log {
			if ce, ok := ForCustomer(e); ok {
				b, _ := json.Marshal(ce)
				out.Write(b)
			}
		}
		for _, marker := range []string{"PRIVATE-MARKER", "PRIVCLIENT", "AGENTCLIENT", "AGENTID-SECRET", "CUSTID-SECRET", `"agents"`, "expiresAt"} {
			if strings.Contains(out.String(), marker) {
				t.Fatalf("seed %d: customer's view contains %q:\n%s", seed, marker, out.String())
			}
		}
	}
}

func TestErrorCode(t *testing.T) {
	if got := ErrorCode(fmt.Errorf("wrap: %w", E(EConflict, "x", "X."))); got != EConflict {
		t.Errorf("ErrorCode(wrapped conflict) = %q", got)
	}
	if got := ErrorCode(fmt.Errorf("boom")); got != EInternal {
		t.Errorf("ErrorCode(plain) = %q", got)
	}
	if got := ErrorMessage(fmt.Errorf("db password is hunter2")); strings.Contains(got, "hunter2") {
		t.Errorf("ErrorMessage leaks internal text: %q", got)
	}
}

func BenchmarkForCustomer(b *testing.B) {
	for _, tc := range []struct {
		name string
		e    Event
	}{
		{"message", Event{ConversationID: "c", Seq: 4, Time: t0, Kind: KindMessage, Visibility: VisibleAll, Author: anna, ClientMsgID: "a1", Text: strings.Repeat("hello ", 50)}},
		{"offered_hidden", Event{ConversationID: "c", Seq: 2, Kind: KindOffered, Visibility: VisibleAgents, Data: Offered{AgentRef: AgentRef{AgentID: "anna"}, ExpiresAt: t0}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				ForCustomer(tc.e)
			}
		})
	}
}
