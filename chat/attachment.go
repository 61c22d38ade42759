package chat

import (
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// AttachmentID identifies an uploaded file. It is made by the server
// (NewID), never by a client, so it cannot be guessed.
type AttachmentID string

// Limits of attachments (R12).
const (
	MaxAttachments    = 5        // files one message may carry
	MaxAttachmentSize = 20 << 20 // bytes in one file (20 MB)
	MaxFileNameLen    = 120      // characters of a file's name, its extension included
	MaxUploadIDLen    = 64       // bytes in a client's upload id
)

// Attachment is the record of an uploaded file. It is uploaded first, to
// one conversation, by one author, and then carried by at most one message
// of that author in that conversation: from then on it is as visible as
// that message (a private message's files are private) and kept as long as
// the conversation. Files never sent are removed after a while. The bytes
// are not here but in a blob store, under the attachment's ID.
type Attachment struct {
	ID             AttachmentID
	ConversationID ConversationID
	// Author is who uploaded it (role and id); only they can send it.
	Author Participant
	// UploadID is the uploader's own id for the upload: an upload retried
	// with the same id stores nothing new and returns the first one.
	UploadID string
	Name     string // cleaned (CleanFileName), with an extension that fits Type
	Type     string // the media type, decided by the content ("image/png")
	Charset  string // for text: the character set ("utf-8"), if known
	Size     int64
	SHA256   string // hex, of the bytes as stored
	// Width and Height are an image's size in pixels, as shown (after its
	// orientation), when the server could read it; Thumbnail is set when
	// the server made a thumbnail of it.
	Width, Height int
	Thumbnail     bool
	CreatedAt     time.Time
	// MessageSeq is the Seq of the message that carries it; 0 while it is
	// unsent.
	MessageSeq Seq
	// Expired is set when an unsent attachment was given up (it is being
	// removed): it can no longer be sent.
	Expired bool
}

// Ref returns the attachment as a message carries it.
func (a Attachment) Ref() AttachmentRef {
	return AttachmentRef{ID: a.ID, Name: a.Name, Type: a.Type, Size: a.Size,
		Width: a.Width, Height: a.Height, Thumbnail: a.Thumbnail}
}

// Inline reports whether browsers may show the file in place (a raster
// image a browser can draw); everything else is served as a download.
// Nothing that can carry script (HTML, SVG) is ever an attachment's type.
func (a Attachment) Inline() bool { return InlineType(a.Type) }

// InlineType reports whether files of media type t are shown in place.
func InlineType(t string) bool {
	switch t {
	case "image/jpeg", "image/png", "image/apng", "image/gif", "image/webp", "image/bmp", "image/avif":
		return true
	}
	return false
}

// AttachmentRef is an attachment as a message carries it, to everyone who
// may see the message: its id (for the download routes), and what a client
// shows before fetching anything.
type AttachmentRef struct {
	ID        AttachmentID `json:"id"`
	Name      string       `json:"name,omitempty"`
	Type      string       `json:"type,omitempty"`
	Size      int64        `json:"size,omitempty"`
	Width     int          `json:"width,omitempty"`
	Height    int          `json:"height,omitempty"`
	Thumbnail bool         `json:"thumbnail,omitempty"`
}

// Message is the payload of KindMessage: the files it carries, if any. A
// sender names them by id; the store fills in the rest from their records
// when it appends the message (AttachFiles).
type Message struct {
	Attachments []AttachmentRef `json:"attachments,omitempty"`
}

// Kind is KindMessage.
func (Message) Kind() Kind { return KindMessage }

func (m Message) empty() bool { return len(m.Attachments) == 0 }

// AttachmentIDs returns the ids of the files a message event carries.
func (e Event) AttachmentIDs() []AttachmentID {
	m, ok := e.Data.(Message)
	if !ok {
		return nil
	}
	ids := make([]AttachmentID, len(m.Attachments))
	for i, r := range m.Attachments {
		ids[i] = r.ID
	}
	return ids
}

// checkAttachmentRefs checks what a message says about its files before
// their records are read: how many, and none twice.
func checkAttachmentRefs(e Event) error {
	ids := e.AttachmentIDs()
	if len(ids) > MaxAttachments {
		return E(EInvalid, "too_many_attachments", "A message can carry at most {max} files.", "max", MaxAttachments)
	}
	for i, id := range ids {
		if err := CheckID(string(id), "attachment id"); err != nil || id == "" {
			return E(EInvalid, "attachment_unknown", "A file of this message is not one you uploaded to this chat.")
		}
		if slices.Contains(ids[:i], id) {
			return E(EInvalid, "attachment_repeated", "The same file is in this message twice.")
		}
	}
	return nil
}

// AttachFiles checks the files that message e carries against their
// records (found: those that exist, of any conversation) and returns e
// with each file's details from its record. Each must have been uploaded by
// e's author to e's conversation, and not sent before nor given up. A file
// of someone else, of another chat, or unknown is refused alike, so that
// no one learns of another's files. Stores call it inside the transaction
// that appends e, after Conversation.Apply; the Seq of e is the file's
// MessageSeq from then on.
func AttachFiles(e Event, found []Attachment) (Event, error) {
	ids := e.AttachmentIDs()
	if len(ids) == 0 {
		return e, nil
	}
	refs := make([]AttachmentRef, len(ids))
	for i, id := range ids {
		j := slices.IndexFunc(found, func(a Attachment) bool { return a.ID == id })
		if j < 0 {
			return Event{}, E(EInvalid, "attachment_unknown", "A file of this message is not one you uploaded to this chat.")
		}
		a := found[j]
		if a.ConversationID != e.ConversationID || a.Author.Role != e.Author.Role || a.Author.ID != e.Author.ID || a.Expired {
			return Event{}, E(EInvalid, "attachment_unknown", "A file of this message is not one you uploaded to this chat.")
		}
		if a.MessageSeq != 0 {
			return Event{}, E(EConflict, "attachment_sent", "{name} was sent already.", "name", a.Name)
		}
		refs[i] = a.Ref()
	}
	e.Data = Message{Attachments: refs}
	return e, nil
}

// CheckUploadID checks a client's id for an upload: required, at most
// MaxUploadIDLen bytes of printable text.
func CheckUploadID(id string) error {
	if id == "" {
		return E(EInvalid, "upload_id_required", "uploadId is required.")
	}
	if len(id) > MaxUploadIDLen {
		return E(EInvalid, "upload_id_too_long", "uploadId is longer than {max} bytes.", "max", MaxUploadIDLen)
	}
	return CheckID(id, "uploadId")
}

// CleanFileName returns name as it may be kept and offered for download:
// the last element of a path (either slash), without control characters,
// bidirectional overrides and isolates (which make "gnp.exe" look like
// "exe.png"), invisible format characters and the characters that file
// systems refuse, with runs of spaces made one, no leading or trailing
// dots and spaces, not a reserved Windows device name, and at most
// MaxFileNameLen characters, shortened in the middle so that the extension
// stays. A name with nothing left is "file".
func CleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	space := false
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0): // control characters
			continue
		case unicode.Is(unicode.Cf, r): // bidi controls, zero-width and other format characters
			continue
		case strings.ContainsRune(`<>:"|?*`, r):
			r = '_'
		case unicode.IsSpace(r):
			if space {
				continue
			}
			space = true
			b.WriteRune(' ')
			continue
		}
		space = false
		b.WriteRune(r)
	}
	name = strings.Trim(b.String(), ". ")
	if name == "" {
		return "file"
	}
	stem := strings.ToUpper(strings.TrimSuffix(name, path.Ext(name)))
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		name = "_" + name
	}
	if n := utf8.RuneCountInString(name); n > MaxFileNameLen {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 16 {
			ext = ""
		}
		stem := []rune(strings.TrimSuffix(name, ext))
		keep := MaxFileNameLen - utf8.RuneCountInString(ext) - 1 // room for "…"
		head := (keep + 1) / 2
		name = strings.TrimSpace(string(stem[:head])) + "…" + strings.TrimSpace(string(stem[len(stem)-(keep-head):])) + ext
	}
	return name
}
