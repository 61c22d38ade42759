package chat

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestCleanFileName(t *testing.T) {
	long := strings.Repeat("å", 300) + ".pdf"
	tests := []struct {
		name, in, want string
	}{
		{"plain", "report.pdf", "report.pdf"},
		{"unix path", "../../etc/passwd", "passwd"},
		{"windows path", `C:\Users\kari\..\photo.jpg`, "photo.jpg"},
		{"only dots", "..", "file"},
		{"NUL and controls", "a\x00b\x1bc\x7f.txt", "abc.txt"},
		{"C1 control", "a\u0085b.txt", "ab.txt"},
		{"right-to-left override", "photo\u202Egnp.exe", "photognp.exe"},
		{"bidi isolates and marks", "\u2066x\u2069\u200Fy\u200E.png", "xy.png"},
		{"zero width", "in\u200Bvoice.pdf", "invoice.pdf"},
		{"reserved characters", `a<b>c:d"e|f?g*.txt`, "a_b_c_d_e_f_g_.txt"},
		{"spaces", "  my   \t photo .jpg  ", "my photo .jpg"},
		{"leading and trailing dots", "...hidden.txt.", "hidden.txt"},
		{"device name", "con.txt", "_con.txt"},
		{"device name without extension", "NUL", "_NUL"},
		{"invalid UTF-8", "r\xffapport.txt", "rapport.txt"},
		{"empty", "", "file"},
		{"unicode kept", "Bjørn's kvittering 2026.pdf", "Bjørn's kvittering 2026.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanFileName(tt.in); got != tt.want {
				t.Errorf("CleanFileName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	t.Run("300 characters", func(t *testing.T) {
		got := CleanFileName(long)
		if n := utf8.RuneCountInString(got); n != MaxFileNameLen {
			t.Errorf("CleanFileName(%d characters) has %d characters, want %d", utf8.RuneCountInString(long), n, MaxFileNameLen)
		}
		if !strings.HasSuffix(got, ".pdf") || !strings.Contains(got, "…") || !strings.HasPrefix(got, "ååå") {
			t.Errorf("CleanFileName(300 characters) = %q, want the start, an ellipsis and the extension", got)
		}
	})
	t.Run("300 characters without an extension", func(t *testing.T) {
		if n := utf8.RuneCountInString(CleanFileName(strings.Repeat("x", 300))); n != MaxFileNameLen {
			t.Errorf("CleanFileName(300 x) has %d characters, want %d", n, MaxFileNameLen)
		}
	})
}

func att(id AttachmentID, author Participant) Attachment {
	return Attachment{ID: id, ConversationID: "c1", Author: Participant{Role: author.Role, ID: author.ID},
		UploadID: "u-" + string(id), Name: string(id) + ".png", Type: "image/png", Size: 10, Width: 4, Height: 3, Thumbnail: true}
}

func withFiles(author Participant, text string, ids ...AttachmentID) Event {
	m := Message{}
	for _, id := range ids {
		m.Attachments = append(m.Attachments, AttachmentRef{ID: id})
	}
	return Event{Kind: KindMessage, Visibility: VisibleAll, Author: author, Text: text, Data: m}
}

func TestConversation_Apply_attachments(t *testing.T) {
	c := newTestConversation(t)
	tests := []struct {
		name string
		e    Event
		code string
	}{
		{"files without text", withFiles(customer, "", "a1", "a2"), ""},
		{"five files", withFiles(customer, "here", "a1", "a2", "a3", "a4", "a5"), ""},
		{"six files", withFiles(customer, "here", "a1", "a2", "a3", "a4", "a5", "a6"), EInvalid},
		{"the same file twice", withFiles(customer, "", "a1", "a1"), EInvalid},
		{"an empty id", withFiles(customer, "", ""), EInvalid},
		{"neither text nor files", withFiles(customer, " "), EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.e
			e.Time = t0
			_, _, err := c.Apply(e)
			if got := ErrorCode(err); got != tt.code {
				t.Errorf("Apply(%s) = %v, want code %q", tt.name, err, tt.code)
			}
		})
	}
}

func TestAttachFiles(t *testing.T) {
	mine := att("a1", customer)
	other := att("a2", customer)
	other.ConversationID = "c2"
	annas := att("a3", anna)
	sent := att("a4", customer)
	sent.MessageSeq = 7
	expired := att("a5", customer)
	expired.Expired = true
	found := []Attachment{mine, other, annas, sent, expired}

	e := withFiles(customer, "", "a1")
	e.ConversationID = "c1"
	got, err := AttachFiles(e, found)
	if err != nil {
		t.Fatalf("AttachFiles(own file) = %v", err)
	}
	if diff := cmp.Diff(Message{Attachments: []AttachmentRef{mine.Ref()}}, got.Data); diff != "" {
		t.Errorf("AttachFiles(own file) payload (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		name   string
		id     AttachmentID
		code   string
		reason string
	}{
		{"unknown", "nope", EInvalid, "attachment_unknown"},
		{"of another chat", "a2", EInvalid, "attachment_unknown"},
		{"of another author", "a3", EInvalid, "attachment_unknown"},
		{"given up", "a5", EInvalid, "attachment_unknown"},
		{"sent already", "a4", EConflict, "attachment_sent"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := withFiles(customer, "", "a1", tt.id)
			e.ConversationID = "c1"
			_, err := AttachFiles(e, found)
			if ce := ErrorOf(err); ce == nil || ce.Code != tt.code || ce.Reason != tt.reason {
				t.Errorf("AttachFiles(%s) = %v, want %s %s", tt.name, err, tt.code, tt.reason)
			}
		})
	}
}

func TestForCustomer_attachments(t *testing.T) {
	ref := att("a1", anna).Ref()
	public := Event{Seq: 4, Kind: KindMessage, Visibility: VisibleAll, Author: anna, Data: Message{Attachments: []AttachmentRef{ref}}}
	ce, ok := ForCustomer(public)
	if !ok {
		t.Fatalf("ForCustomer(public message with a file) ok = false")
	}
	if diff := cmp.Diff(Message{Attachments: []AttachmentRef{ref}}, ce.Event().Data); diff != "" {
		t.Errorf("ForCustomer(public message with a file) payload (-want +got):\n%s", diff)
	}
	private := public
	private.Visibility = VisibleAgents
	if _, ok := ForCustomer(private); ok {
		t.Errorf("ForCustomer(private message with a file) ok = true; its files are private")
	}
}

func TestCheckUploadID(t *testing.T) {
	for _, tt := range []struct {
		id string
		ok bool
	}{
		{"6f1c2a9e-4b7d-4c1e-9a2f-0c8d3e5b7a91", true},
		{"", false},
		{strings.Repeat("x", MaxUploadIDLen+1), false},
		{"has space", false},
		{"nul\x00", false},
	} {
		if err := CheckUploadID(tt.id); (err == nil) != tt.ok {
			t.Errorf("CheckUploadID(%q) = %v, want ok %v", tt.id, err, tt.ok)
		}
	}
}
