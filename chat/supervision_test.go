package chat

import (
	"testing"
	"time"
)

var sofie = Participant{Role: PartySupervisor, ID: "sofie", Name: "Sofie"}

func TestTransfer_rules(t *testing.T) {
	c := activeWith(t)
	at := t0.Add(time.Second)
	tr := func(d Transferred) Event {
		d.ExpiresAt = at.Add(time.Minute)
		return Event{Kind: KindTransferred, Author: anna, Data: d}
	}
	for name, c2 := range map[string]struct {
		e    Event
		code string
	}{
		"no target":          {tr(Transferred{}), EInvalid},
		"both targets":       {tr(Transferred{AgentRef: AgentRef{AgentID: "bjorn"}, QueueID: "support"}), EInvalid},
		"to an agent in it":  {tr(Transferred{AgentRef: AgentRef{AgentID: "anna", AgentName: "Anna"}}), EConflict},
		"by an agent not in": {Event{Kind: KindTransferred, Author: carla, Data: Transferred{QueueID: "support", ExpiresAt: at.Add(time.Minute)}}, EForbidden},
		"by the system":      {Event{Kind: KindTransferred, Author: System, Data: Transferred{QueueID: "support", ExpiresAt: at.Add(time.Minute)}}, EInvalid},
		"already expired":    {Event{Kind: KindTransferred, Author: anna, Data: Transferred{QueueID: "support", ExpiresAt: at}}, EInvalid},
		"by a supervisor":    {Event{Kind: KindTransferred, Author: sofie, Data: Transferred{AgentRef: AgentRef{AgentID: "sofie"}, QueueID: "support", ExpiresAt: at.Add(time.Minute)}}, EForbidden},
	} {
		c2.e.Time = at
		if _, _, err := c.Apply(c2.e); ErrorCode(err) != c2.code {
			t.Errorf("%s: Apply = %v, want %s", name, err, c2.code)
		}
	}
	// To a queue: pending with the note, found by the router; accepted,
	// the chat moves to the queue; the note never reaches the customer.
	c, e := apply(t, c, at, tr(Transferred{QueueID: "support", Note: "NOTE"}))
	if inv := c.Invitation; inv == nil || !inv.Transfer || inv.AgentID != "" || inv.Note != "NOTE" || !inv.Until.Equal(at.Add(time.Minute)) {
		t.Fatalf("invitation after the transfer: %+v", c.Invitation)
	}
	if ce, ok := ForCustomer(e); !ok || ce.Event().Data != (Transferred{}) || ce.Event().Text != "" {
		t.Errorf("ForCustomer(transferred) = %+v, %v; want the kind alone", ce.Event(), ok)
	}
	if _, _, err := c.Apply(Event{Kind: KindInvited, Time: at, Author: anna, Data: Invited{AgentRef: AgentRef{AgentID: "carla"}, ExpiresAt: at.Add(time.Minute)}}); ErrorCode(err) != EConflict {
		t.Errorf("an invitation during a transfer: %v, want conflict", err)
	}
	c, _ = apply(t, c, at, Event{Kind: KindInvited, Author: System, Data: Invited{AgentRef: AgentRef{AgentID: "carla"}, QueueID: "support", ExpiresAt: at.Add(30 * time.Second), Transfer: true}})
	c, _ = apply(t, c, at, Event{Kind: KindAgentJoined, Author: carla, Data: AgentJoined{AgentRef: AgentRef{AgentID: "carla"}}})
	if c.QueueID != "support" || c.Invitation != nil || c.Record.Transfers != 1 || len(c.Agents) != 2 {
		t.Errorf("after the acceptance: %+v", c)
	}
}

func TestSupervisor_rules(t *testing.T) {
	c := activeWith(t)
	at := t0.Add(time.Second)
	mon := Event{Kind: KindMonitored, Time: at, Author: sofie, Data: Monitored{AgentRef: AgentRef{AgentID: "sofie"}, Watching: true}}
	_, e, err := c.Apply(mon)
	if err != nil || e.Visibility != VisibleAgents {
		t.Fatalf("monitor: %+v, %v", e, err)
	}
	if _, ok := ForCustomer(e); ok {
		t.Errorf("the customer sees %+v", e)
	}
	whisper := Event{Kind: KindMessage, Time: at, Author: sofie, Visibility: VisibleAgents, Text: "psst"}
	if _, e, err := c.Apply(whisper); err != nil {
		t.Errorf("whisper: %v", err)
	} else if _, ok := ForCustomer(e); ok {
		t.Errorf("the customer sees the whisper %+v", e)
	}
	for name, e := range map[string]Event{
		"a public message":         {Kind: KindMessage, Author: sofie, Visibility: VisibleAll, Text: "hi"},
		"ending the chat":          {Kind: KindEnded, Author: sofie, Data: Ended{}},
		"monitoring as another":    {Kind: KindMonitored, Author: sofie, Data: Monitored{AgentRef: AgentRef{AgentID: "anna"}}},
		"monitoring by an agent":   {Kind: KindMonitored, Author: anna, Data: Monitored{AgentRef: AgentRef{AgentID: "anna"}}},
		"rerouting an active chat": {Kind: KindRerouted, Author: sofie, Data: Rerouted{AgentRef: AgentRef{AgentID: "sofie"}, QueueID: "support"}},
		"taking over for another":  {Kind: KindAgentJoined, Author: sofie, Data: AgentJoined{AgentRef: AgentRef{AgentID: "carla"}}},
		"leaving for an agent":     {Kind: KindAgentLeft, Author: sofie, Data: AgentLeft{AgentRef: AgentRef{AgentID: "anna"}}},
	} {
		e.Time = at
		if _, _, err := c.Apply(e); err == nil {
			t.Errorf("%s: allowed", name)
		}
	}
	// Take over: the supervisor joins the chat in progress.
	c, _ = apply(t, c, at, Event{Kind: KindAgentJoined, Author: sofie, Data: AgentJoined{AgentRef: AgentRef{AgentID: "sofie"}}})
	if !c.HasAgent("sofie") || !c.HasAgent("anna") {
		t.Errorf("after the take-over: %+v", c.Agents)
	}
	// Reroute a waiting chat: priority and queue; an open offer is withdrawn.
	w := newTestConversation(t)
	w, _ = apply(t, w, t0, offer("anna", t0))
	prio := 3
	w, _ = apply(t, w, at, Event{Kind: KindRerouted, Author: sofie, Data: Rerouted{AgentRef: AgentRef{AgentID: "sofie"}, Priority: &prio, QueueID: "support"}})
	if w.Priority != 3 || w.QueueID != "support" || w.Offer != nil {
		t.Errorf("after rerouting: %+v", w)
	}
	high := MaxChatPriority + 1
	if _, _, err := w.Apply(Event{Kind: KindRerouted, Time: at, Author: sofie, Data: Rerouted{AgentRef: AgentRef{AgentID: "sofie"}, Priority: &high}}); ErrorCode(err) != EInvalid {
		t.Errorf("priority %d: %v, want invalid", high, err)
	}
}
