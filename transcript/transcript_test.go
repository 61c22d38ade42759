package transcript

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"skranke/chat"
)

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// randomLog plays a random chat through the chat's own rules and returns
// the log, the texts the customer saw and the private markers.
func randomLog(t *testing.T, seed uint64) (log []chat.Event, public, private []string) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 11))
	c, first, err := chat.NewConversation("conv", "cust", "sales", "Kari", t0)
	if err != nil {
		t.Fatal(err)
	}
	log = append(log, first)
	anna := chat.Participant{Role: chat.PartyAgent, ID: "u-anna", Name: "Anna"}
	now := t0
	apply := func(e chat.Event) bool {
		now = now.Add(time.Second)
		e.Time = now
		n, stored, err := c.Apply(e)
		if err != nil {
			return false
		}
		c = n
		log = append(log, stored)
		return true
	}
	apply(chat.Event{Kind: chat.KindOffered, Author: chat.System, Data: chat.Offered{AgentRef: chat.AgentRef{AgentID: "u-anna", AgentName: "Anna"}, ExpiresAt: now.Add(time.Hour)}})
	apply(chat.Event{Kind: chat.KindAgentJoined, Author: anna, Data: chat.AgentJoined{AgentRef: chat.AgentRef{AgentID: "u-anna", AgentName: "Anna"}}})
	for i := range 40 {
		switch r.IntN(4) {
		case 0:
			m := fmt.Sprintf("PRIVATE-%d-<b>note</b>", i)
			if apply(chat.Event{Kind: chat.KindMessage, Author: anna, Visibility: chat.VisibleAgents, Text: m}) {
				private = append(private, m)
			}
		case 1:
			m := fmt.Sprintf("agent says %d & <script>x</script>", i)
			if apply(chat.Event{Kind: chat.KindMessage, Author: anna, Visibility: chat.VisibleAll, Text: m}) {
				public = append(public, m)
			}
		case 2:
			m := fmt.Sprintf("kari says %d: æøå \"quoted\"", i)
			if apply(chat.Event{Kind: chat.KindMessage, Author: chat.Participant{Role: chat.PartyCustomer, ID: "cust"}, Visibility: chat.VisibleAll, Text: m}) {
				public = append(public, m)
			}
		case 3:
			m := fmt.Sprintf("INVITENOTE-%d", i)
			if apply(chat.Event{Kind: chat.KindInvited, Author: anna, Text: m,
				Data: chat.Invited{AgentRef: chat.AgentRef{AgentID: "u-bjorn", AgentName: "Bjørn"}, ExpiresAt: now.Add(time.Hour)}}) {
				private = append(private, m)
				apply(chat.Event{Kind: chat.KindInvitationDeclined, Author: anna,
					Data: chat.InvitationDeclined{AgentRef: chat.AgentRef{AgentID: "u-bjorn"}, Reason: chat.ReasonWithdrawn}})
			}
		}
	}
	apply(chat.Event{Kind: chat.KindEnded, Author: chat.Participant{Role: chat.PartyCustomer, ID: "cust"}, Data: chat.Ended{}})
	return log, public, private
}

func customerView(log []chat.Event) []chat.CustomerEvent {
	var out []chat.CustomerEvent
	for _, e := range log {
		if ce, ok := chat.ForCustomer(e); ok {
			out = append(out, ce)
		}
	}
	return out
}

// TestTranscript_holdsExactlyTheCustomersView: over random logs, in both
// languages, the HTML and the text hold every message the customer saw, in
// order, and nothing private.
func TestTranscript_holdsExactlyTheCustomersView(t *testing.T) {
	for seed := range uint64(50) {
		log, public, private := randomLog(t, seed)
		for _, lang := range []string{"en", "nb"} {
			d := Doc{QueueName: "Sales", CustomerName: "Kari", StartedAt: t0, Events: customerView(log), Lang: lang}
			html, err := HTML(d)
			if err != nil {
				t.Fatal(err)
			}
			text := string(Text(d))
			for _, m := range private {
				for _, rendered := range []string{string(html), text} {
					if strings.Contains(rendered, m) || strings.Contains(rendered, strings.ReplaceAll(m, "<", "&lt;")) || strings.Contains(rendered, "u-anna") {
						t.Fatalf("seed %d %s: the transcript holds %q", seed, lang, m)
					}
				}
			}
			// Every public message, in order, in the text; escaped in the HTML.
			at := 0
			for _, m := range public {
				i := strings.Index(text[at:], m)
				if i < 0 {
					t.Fatalf("seed %d %s: the text lacks %q after position %d", seed, lang, m, at)
				}
				at += i + len(m)
				if strings.Contains(string(html), "<script>") {
					t.Fatalf("seed %d %s: markup from a message reached the HTML as markup", seed, lang)
				}
			}
			if n := strings.Count(string(html), "<li"); n != len(Lines(d)) {
				t.Errorf("seed %d %s: %d lines in the HTML, want %d", seed, lang, n, len(Lines(d)))
			}
		}
	}
}

func TestTranscript_languages(t *testing.T) {
	if !slices.Equal(slices.Sorted(maps.Keys(catalogue["en"])), slices.Sorted(maps.Keys(catalogue["nb"]))) {
		t.Errorf("the catalogues differ in their keys: en %v, nb %v", slices.Sorted(maps.Keys(catalogue["en"])), slices.Sorted(maps.Keys(catalogue["nb"])))
	}
	log, _, _ := randomLog(t, 1)
	d := Doc{QueueName: "Salg", StartedAt: t0, Events: customerView(log), Lang: "nb", Location: time.FixedZone("CET", 3600)}
	text := string(Text(d))
	for _, want := range []string{"Samtalen din med Salg, 1. desember 2026", "Du startet samtalen i Salg.", "Anna ble med i samtalen.", "Samtalen er avsluttet.", "11:0"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Norwegian transcript lacks %q:\n%s", want, text)
		}
	}
	if html, _ := HTML(d); !strings.Contains(string(html), `lang="nb"`) {
		t.Error("the Norwegian page does not say lang=nb")
	}
	d.Lang = "de"
	if !strings.Contains(string(Text(d)), "Your chat with Salg") {
		t.Error("an unknown language does not fall back to English")
	}
}

// TestTranscript_files: a message's files are listed by name and size, in
// the page and the text, in the customer's language; a private message's
// are not there at all.
func TestTranscript_files(t *testing.T) {
	msg := func(vis chat.Visibility, text string, files ...chat.AttachmentRef) chat.Event {
		return chat.Event{ConversationID: "conv", Seq: 2, Time: t0, Kind: chat.KindMessage, Visibility: vis,
			Author: chat.Participant{Role: chat.PartyAgent, ID: "u-anna", Name: "Anna"}, Text: text,
			Data: chat.Message{Attachments: files}}
	}
	var evs []chat.CustomerEvent
	for _, e := range []chat.Event{
		msg(chat.VisibleAll, "Her er avtalen", chat.AttachmentRef{ID: "a1", Name: "avtale.pdf", Type: "application/pdf", Size: 123456}),
		msg(chat.VisibleAgents, "internt", chat.AttachmentRef{ID: "a2", Name: "HEMMELIG.pdf", Type: "application/pdf", Size: 99}),
	} {
		if ce, ok := chat.ForCustomer(e); ok {
			evs = append(evs, ce)
		}
	}
	d := Doc{QueueName: "Sales", StartedAt: t0, Lang: "nb", Events: evs}
	page, err := HTML(d)
	if err != nil {
		t.Fatal(err)
	}
	text := string(Text(d))
	for name, got := range map[string]string{"page": string(page), "text": text} {
		if !strings.Contains(got, "Fil: avtale.pdf, 123 KB") {
			t.Errorf("the %s lacks the file:\n%s", name, got)
		}
		if strings.Contains(got, "HEMMELIG") {
			t.Errorf("the %s names the private message's file:\n%s", name, got)
		}
	}
	if got := formatSize(1234567, "nb"); got != "1,2 MB" {
		t.Errorf("formatSize(1234567, nb) = %q", got)
	}
	if got := formatSize(999, "en"); got != "999 B" {
		t.Errorf("formatSize(999, en) = %q", got)
	}
}

// TestTranscript_menus: a menu is one line with its answer, in the
// customer's language: chosen, withdrawn or not answered.
func TestTranscript_menus(t *testing.T) {
	anna := chat.Participant{Role: chat.PartyAgent, ID: "u-anna", Name: "Anna"}
	kari := chat.Participant{Role: chat.PartyCustomer, ID: "cust"}
	c, first, err := chat.NewConversation("conv", "cust", "sales", "Kari", t0)
	if err != nil {
		t.Fatal(err)
	}
	log := []chat.Event{first}
	for _, e := range []chat.Event{
		{Kind: chat.KindOffered, Author: chat.System, Data: chat.Offered{AgentRef: chat.AgentRef{AgentID: "u-anna"}, ExpiresAt: t0.Add(time.Hour)}},
		{Kind: chat.KindAgentJoined, Author: anna, Data: chat.AgentJoined{AgentRef: chat.AgentRef{AgentID: "u-anna", AgentName: "Anna"}}},
		{Kind: chat.KindMenu, Author: anna, Text: "Hva gjelder det?", Data: chat.Menu{MenuID: "m1", Options: []chat.MenuOption{{Label: "Oppgradere"}, {Label: "Si opp"}}}},
		{Kind: chat.KindMenu, Author: anna, Text: "Hvilken dag?", Data: chat.Menu{MenuID: "m2", Options: []chat.MenuOption{{Label: "Mandag"}, {Label: "Tirsdag"}}}},
		{Kind: chat.KindMenu, Author: anna, Text: "Fornøyd?", Data: chat.Menu{MenuID: "m3", Options: []chat.MenuOption{{Label: "Ja"}, {Label: "Nei"}}}},
		{Kind: chat.KindChoice, Author: kari, Data: chat.Choice{MenuID: "m1", OptionID: "1"}},
		{Kind: chat.KindMenuWithdrawn, Author: anna, Data: chat.MenuWithdrawn{MenuID: "m2"}},
	} {
		e.Time = t0
		var stored chat.Event
		if c, stored, err = c.Apply(e); err != nil {
			t.Fatalf("Apply(%s) = %v", e.Kind, err)
		}
		log = append(log, stored)
	}
	text := string(Text(Doc{QueueName: "Salg", StartedAt: t0, Lang: "nb", Events: customerView(log)}))
	for _, want := range []string{
		"Anna: Hva gjelder det? — valgt: Oppgradere",
		"Anna: Hvilken dag? — ikke lenger tilgjengelig",
		"Anna: Fornøyd? — ikke besvart (valg: Ja / Nei)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the transcript lacks %q:\n%s", want, text)
		}
	}
	if strings.Count(text, "Oppgradere") != 1 {
		t.Errorf("the choice is a line of its own besides the menu's:\n%s", text)
	}
	en := string(Text(Doc{QueueName: "Sales", StartedAt: t0, Lang: "en", Events: customerView(log)}))
	if !strings.Contains(en, "Hva gjelder det? — chosen: Oppgradere") {
		t.Errorf("the English transcript lacks the choice:\n%s", en)
	}
}
