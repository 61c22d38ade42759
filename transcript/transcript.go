// Package transcript renders a customer's transcript of a chat (R14): a
// readable, printable HTML page and the same as plain text, in the
// customer's language, for a download and an e-mail.
//
// It renders only chat.CustomerEvent values, which only chat.ForCustomer
// makes: a transcript cannot hold a private message, a private attachment
// or an agents-only event, whoever calls it. Text the customer or an agent
// typed goes in through html/template, always as text.
package transcript

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"skranke/chat"
)

// Doc is what a transcript shows.
type Doc struct {
	QueueName    string
	CustomerName string // empty: the customer is "you"
	StartedAt    time.Time
	Events       []chat.CustomerEvent
	Lang         string         // "nb" or "en"; anything else is English
	Location     *time.Location // the customer's time zone; nil is UTC
}

// Line is one line of a transcript.
type Line struct {
	Time   time.Time
	Who    string // who wrote it; empty for what happened
	Text   string
	Notice bool // what happened (an agent joined, the chat ended), not a message
	// Files are the files a message carried, by name and size ("plan.pdf,
	// 120 KB"); their bytes are not in the transcript.
	Files []string
}

// Lines returns the transcript's lines: messages with their author, and
// what happened, in the customer's language. Kinds a transcript has no
// line for (queue positions, typing) are left out.
func Lines(d Doc) []Line {
	t := texts(d.Lang)
	you := d.CustomerName
	if you == "" {
		you = t["you"]
	}
	// A menu is one line, with its answer: "Question — chosen: …".
	answers := map[chat.MenuID]string{}
	for _, ce := range d.Events {
		switch e := ce.Event(); e.Kind {
		case chat.KindChoice:
			c, _ := e.Data.(chat.Choice)
			answers[c.MenuID] = fill(t["chosen"], e.Text)
		case chat.KindMenuWithdrawn:
			w, _ := e.Data.(chat.MenuWithdrawn)
			answers[w.MenuID] = t["withdrawn"]
		}
	}
	var out []Line
	for _, ce := range d.Events {
		e := ce.Event()
		l := Line{Time: e.Time}
		switch e.Kind {
		case chat.KindMenu:
			m, _ := e.Data.(chat.Menu)
			answer, ok := answers[m.MenuID]
			if !ok {
				labels := make([]string, len(m.Options))
				for i, o := range m.Options {
					labels[i] = o.Label
				}
				answer = fill(t["options"], strings.Join(labels, " / "))
			}
			l.Who, l.Text = orElse(e.Author.Name, t["agent"]), e.Text+" — "+answer
		case chat.KindMessage:
			l.Text = e.Text
			if m, ok := e.Data.(chat.Message); ok {
				for _, a := range m.Attachments {
					l.Files = append(l.Files, a.Name+", "+formatSize(a.Size, d.Lang))
				}
			}
			switch e.Author.Role {
			case chat.PartyCustomer:
				l.Who = you
			default:
				l.Who = orElse(e.Author.Name, t["agent"])
			}
		case chat.KindStarted:
			l.Notice, l.Text = true, fill(t["started"], d.QueueName)
		case chat.KindAgentJoined:
			l.Notice, l.Text = true, fill(t["joined"], orElse(e.Agent().AgentName, t["agent"]))
		case chat.KindAgentLeft:
			l.Notice, l.Text = true, fill(t["left"], orElse(e.Agent().AgentName, t["agent"]))
		case chat.KindRequeued:
			l.Notice, l.Text = true, t["requeued"]
		case chat.KindTransferred:
			l.Notice, l.Text = true, t["transferred"]
		case chat.KindEnded:
			l.Notice, l.Text = true, t["ended"]
		case chat.KindErasureRequested:
			l.Notice, l.Text = true, t["erasure"]
		default:
			continue
		}
		out = append(out, l)
	}
	return out
}

func orElse(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// fill puts v where a text has {}.
func fill(text, v string) string { return strings.Replace(text, "{}", v, 1) }

// Title is the transcript's title, also the subject of its e-mail.
func Title(d Doc) string {
	return fill(texts(d.Lang)["title"], d.QueueName) + ", " + formatDate(d.StartedAt.In(loc(d)), d.Lang)
}

func loc(d Doc) *time.Location {
	if d.Location == nil {
		return time.UTC
	}
	return d.Location
}

//go:embed transcript.html
var page string

var pageTemplate = template.Must(template.New("transcript").Parse(page))

// HTML renders the transcript as a standalone, printable page.
func HTML(d Doc) ([]byte, error) {
	t := texts(d.Lang)
	type row struct {
		Time, Who, Text string
		Notice          bool
		Files           []string
	}
	var rows []row
	for _, l := range Lines(d) {
		rows = append(rows, row{Time: l.Time.In(loc(d)).Format("15:04"), Who: l.Who, Text: l.Text, Notice: l.Notice, Files: l.Files})
	}
	var b bytes.Buffer
	err := pageTemplate.Execute(&b, map[string]any{
		"Lang":    langOf(d.Lang),
		"Title":   Title(d),
		"Started": fill(t["startedAt"], formatTime(d.StartedAt.In(loc(d)), d.Lang)),
		"Rows":    rows,
		"Footer":  t["footer"],
		"File":    t["file"],
	})
	if err != nil {
		return nil, fmt.Errorf("render transcript: %w", err)
	}
	return b.Bytes(), nil
}

// Text renders the transcript as plain text.
func Text(d Doc) []byte {
	var b bytes.Buffer
	title := Title(d)
	fmt.Fprintf(&b, "%s\n%s\n\n", title, strings.Repeat("=", len([]rune(title))))
	for _, l := range Lines(d) {
		at := l.Time.In(loc(d)).Format("15:04")
		if l.Notice {
			fmt.Fprintf(&b, "%s  — %s —\n", at, l.Text)
			continue
		}
		fmt.Fprintf(&b, "%s  %s: %s\n", at, l.Who, strings.ReplaceAll(l.Text, "\n", "\n       "))
		for _, f := range l.Files {
			fmt.Fprintf(&b, "       [%s: %s]\n", texts(d.Lang)["file"], f)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", texts(d.Lang)["footer"])
	return b.Bytes()
}

// Filename is the name a downloaded transcript is saved under.
func Filename(d Doc) string {
	return "chat-" + d.StartedAt.In(loc(d)).Format("2006-01-02-1504") + ".html"
}

func langOf(lang string) string {
	if lang == "nb" {
		return "nb"
	}
	return "en"
}

// The transcript's texts, in the two languages of the product. A test
// checks that both have every key.
var catalogue = map[string]map[string]string{
	"en": {
		"title":       "Your chat with {}",
		"startedAt":   "Started {}",
		"started":     "You started the chat in {}.",
		"joined":      "{} joined the chat.",
		"left":        "{} left the chat.",
		"requeued":    "Waiting for another agent.",
		"transferred": "The chat is being transferred to another agent.",
		"ended":       "The chat ended.",
		"erasure":     "You asked for this chat to be deleted when it ends.",
		"you":         "You",
		"agent":       "Agent",
		"footer":      "This is what you saw of the chat. Keep it if you like; no one else receives this copy.",
		"file":        "File",
		"chosen":      "chosen: {}",
		"withdrawn":   "no longer available",
		"options":     "not answered (options: {})",
	},
	"nb": {
		"title":       "Samtalen din med {}",
		"startedAt":   "Startet {}",
		"started":     "Du startet samtalen i {}.",
		"joined":      "{} ble med i samtalen.",
		"left":        "{} forlot samtalen.",
		"requeued":    "Venter på en annen rådgiver.",
		"transferred": "Samtalen blir overført til en annen rådgiver.",
		"ended":       "Samtalen er avsluttet.",
		"erasure":     "Du ba om at samtalen slettes når den er avsluttet.",
		"you":         "Du",
		"agent":       "Rådgiver",
		"footer":      "Dette er det du så av samtalen. Ta vare på den om du vil; ingen andre får denne kopien.",
		"file":        "Fil",
		"chosen":      "valgt: {}",
		"withdrawn":   "ikke lenger tilgjengelig",
		"options":     "ikke besvart (valg: {})",
	},
}

func texts(lang string) map[string]string { return catalogue[langOf(lang)] }

var monthsNB = []string{"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"}

func formatDate(t time.Time, lang string) string {
	if langOf(lang) == "nb" {
		return fmt.Sprintf("%d. %s %d", t.Day(), monthsNB[t.Month()-1], t.Year())
	}
	return t.Format("2 January 2006")
}

func formatTime(t time.Time, lang string) string {
	if langOf(lang) == "nb" {
		return formatDate(t, lang) + " kl. " + t.Format("15:04")
	}
	return formatDate(t, lang) + " at " + t.Format("15:04")
}

// formatSize gives a file's size for people: bytes, KB or MB (1000s), with
// a decimal comma in Norwegian.
func formatSize(n int64, lang string) string {
	var v string
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		v = strconv.FormatFloat(float64(n)/1000, 'f', 0, 64) + " KB"
	default:
		v = strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
	}
	if langOf(lang) == "nb" {
		v = strings.Replace(v, ".", ",", 1)
	}
	return v
}
