package chat

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func menu(id MenuID, question string, labels ...string) Event {
	opts := make([]MenuOption, len(labels))
	for i, l := range labels {
		opts[i].Label = l
	}
	return Event{Kind: KindMenu, Author: anna, Text: question, Data: Menu{MenuID: id, Options: opts}}
}

func choose(id MenuID, option string) Event {
	return Event{Kind: KindChoice, Author: customer, Data: Choice{MenuID: id, OptionID: option}, Text: "forged label"}
}

func TestMenu_answeredOnce(t *testing.T) {
	c := activeWith(t)
	c, e := apply(t, c, t0, menu("m1", "  What can we help with? ", " Upgrade my plan ", "Cancel"))
	if e.Visibility != VisibleAll || e.Text != "What can we help with?" {
		t.Errorf("menu stored as %+v, want visible to all, question trimmed", e)
	}
	want := []MenuOption{{ID: "1", Label: "Upgrade my plan"}, {ID: "2", Label: "Cancel"}}
	if diff := cmp.Diff(want, e.Data.(Menu).Options); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	if m, ok := c.Menu("m1"); !ok || m.Status != MenuStatusOpen || m.Seq != e.Seq {
		t.Errorf("Menu(m1) = %+v, %v; want open at seq %d", m, ok, e.Seq)
	}

	// A choice of an unknown option, or by an agent, stores nothing.
	if _, _, err := c.Apply(withTime(choose("m1", "3"))); ErrorCode(err) != EInvalid {
		t.Errorf("choice of an unknown option: %v, want invalid", err)
	}
	byAgent := choose("m1", "1")
	byAgent.Author = anna
	if _, _, err := c.Apply(withTime(byAgent)); ErrorCode(err) != EForbidden {
		t.Errorf("choice by an agent: %v, want forbidden", err)
	}
	other := choose("m1", "1")
	other.Author = Participant{Role: PartyCustomer, ID: "someone-else"}
	if _, _, err := c.Apply(withTime(other)); ErrorCode(err) != ENotFound {
		t.Errorf("choice by another customer: %v, want not_found", err)
	}
	if _, _, err := c.Apply(withTime(choose("m-elsewhere", "1"))); ErrorCode(err) != ENotFound {
		t.Errorf("choice for a menu the chat does not have: %v, want not_found", err)
	}

	c, ch := apply(t, c, t0.Add(time.Second), choose("m1", "1"))
	if ch.Text != "Upgrade my plan" || ch.Visibility != VisibleAll || ch.Author.Name != "Kari" {
		t.Errorf("choice stored as %+v, want the option's label by Kari", ch)
	}
	if m, _ := c.Menu("m1"); m.Status != MenuStatusAnswered || m.Chosen != "1" || m.Options != nil {
		t.Errorf("after the choice Menu(m1) = %+v, want answered with 1", m)
	}
	// A second answer, of any option, is a conflict; so is withdrawing it.
	for _, o := range []string{"1", "2"} {
		if _, _, err := c.Apply(withTime(choose("m1", o))); ErrorCode(err) != EConflict {
			t.Errorf("second choice %s: %v, want conflict", o, err)
		}
	}
	if _, _, err := c.Apply(withTime(Event{Kind: KindMenuWithdrawn, Author: anna, Data: MenuWithdrawn{MenuID: "m1"}})); ErrorCode(err) != EConflict {
		t.Errorf("withdraw an answered menu: %v, want conflict", err)
	}
}

func TestMenu_withdrawn(t *testing.T) {
	c := activeWith(t)
	c, _ = apply(t, c, t0, menu("m1", "Which day?", "Monday", "Tuesday"))
	if _, _, err := c.Apply(withTime(Event{Kind: KindMenuWithdrawn, Author: bjorn, Data: MenuWithdrawn{MenuID: "m1"}})); ErrorCode(err) != EForbidden {
		t.Errorf("withdraw by an agent not in the chat: %v, want forbidden", err)
	}
	c, e := apply(t, c, t0, Event{Kind: KindMenuWithdrawn, Author: anna, Data: MenuWithdrawn{MenuID: "m1"}})
	if e.Visibility != VisibleAll {
		t.Errorf("menu_withdrawn visibility %q, want all", e.Visibility)
	}
	if _, _, err := c.Apply(withTime(choose("m1", "1"))); ErrorCode(err) != EConflict {
		t.Errorf("choice of a withdrawn menu: %v, want conflict", err)
	}
	// After the end nothing is answered.
	c, _ = apply(t, c, t0, menu("m2", "Still there?", "Yes", "No"))
	c, _ = apply(t, c, t0, Event{Kind: KindEnded, Author: anna, Data: Ended{}})
	if _, _, err := c.Apply(withTime(choose("m2", "1"))); ErrorCode(err) != EConflict {
		t.Errorf("choice after the end: %v, want conflict", err)
	}
}

func TestMenu_rules(t *testing.T) {
	c := activeWith(t)
	long := make([]rune, MaxOptionLen+1)
	for i := range long {
		long[i] = 'x'
	}
	tests := []struct {
		name string
		e    Event
		code string
	}{
		{"no question", menu("m", "  ", "a", "b"), EInvalid},
		{"one option", menu("m", "q", "a"), EInvalid},
		{"eleven options", menu("m", "q", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"), EInvalid},
		{"empty option", menu("m", "q", "a", " "), EInvalid},
		{"same label twice", menu("m", "q", "Yes", "yes"), EInvalid},
		{"option on two lines", menu("m", "q", "a\nb", "c"), EInvalid},
		{"option too long", menu("m", "q", "a", string(long)), ETooLarge},
		{"control character", menu("m", "q\x1b", "a", "b"), EInvalid},
		{"no menu id", menu("", "q", "a", "b"), EInvalid},
		{"by the customer", Event{Kind: KindMenu, Author: customer, Text: "q", Data: Menu{MenuID: "m", Options: []MenuOption{{Label: "a"}, {Label: "b"}}}}, EForbidden},
		{"by an agent not in the chat", Event{Kind: KindMenu, Author: bjorn, Text: "q", Data: Menu{MenuID: "m", Options: []MenuOption{{Label: "a"}, {Label: "b"}}}}, EForbidden},
		{"same option id", Event{Kind: KindMenu, Author: anna, Text: "q", Data: Menu{MenuID: "m", Options: []MenuOption{{ID: "x", Label: "a"}, {ID: "x", Label: "b"}}}}, EInvalid},
		{"without payload", Event{Kind: KindMenu, Author: anna, Text: "q"}, EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := c.Apply(withTime(tt.e)); ErrorCode(err) != tt.code {
				t.Errorf("Apply(%+v) = %v, want %s", tt.e, err, tt.code)
			}
		})
	}
	// Ten menus may wait at once, not eleven; a menu id is used once.
	for i := range MaxOpenMenus {
		c, _ = apply(t, c, t0, menu(MenuID(string(rune('a'+i))), "q", "a", "b"))
	}
	if _, _, err := c.Apply(withTime(menu("z", "q", "a", "b"))); ErrorCode(err) != EConflict {
		t.Errorf("eleventh open menu: %v, want conflict", err)
	}
	c, _ = apply(t, c, t0, choose("a", "1"))
	if _, _, err := c.Apply(withTime(menu("a", "q", "a", "b"))); ErrorCode(err) != EConflict {
		t.Errorf("a menu id again: %v, want conflict", err)
	}
	c, _ = apply(t, c, t0, menu("z", "q", "a", "b"))
}

func TestMenu_customerView(t *testing.T) {
	e := Event{Kind: KindMenu, Visibility: VisibleAll, Author: anna, Text: "q",
		Data: Menu{MenuID: "m1", Options: []MenuOption{{ID: "1", Label: "a"}, {ID: "2", Label: "b"}}, SavedMenuID: "plans"}}
	ce, ok := ForCustomer(e)
	if !ok {
		t.Fatal("ForCustomer(menu) = false, want the customer to see it")
	}
	if m := ce.Event().Data.(Menu); m.SavedMenuID != "" || len(m.Options) != 2 || m.MenuID != "m1" {
		t.Errorf("customer's menu = %+v, want its id and options without the saved menu", m)
	}
	for _, e := range []Event{
		{Kind: KindChoice, Visibility: VisibleAll, Author: customer, Text: "a", Data: Choice{MenuID: "m1", OptionID: "1"}},
		{Kind: KindMenuWithdrawn, Visibility: VisibleAll, Author: anna, Data: MenuWithdrawn{MenuID: "m1"}},
	} {
		ce, ok := ForCustomer(e)
		if !ok || !cmp.Equal(ce.Event().Data, e.Data) {
			t.Errorf("ForCustomer(%s) = %+v, %v; want it as it is", e.Kind, ce.Event(), ok)
		}
	}
}

func withTime(e Event) Event {
	e.Time = t0
	return e
}
