package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"skranke/auth"
	"skranke/chat"
	"skranke/store"
	"skranke/transcript"
)

// The customer's transcript (R14), as a download and by e-mail. It is made
// of what the customer read path (CustomerLog) yields, and rendered by
// package transcript from chat.CustomerEvent values only: it holds what the
// customer saw and nothing else, however it is sent.

// JobTranscriptMail is the outbox job that e-mails a transcript.
const JobTranscriptMail = "transcript_mail"

// Limits of e-mailed transcripts, per chat.
const (
	MaxTranscriptMails     = 3 // e-mails of one chat's transcript
	MaxTranscriptAddresses = 2 // different addresses they go to
)

// TranscriptRequest says how a customer wants the transcript.
type TranscriptRequest struct {
	Lang string // "nb" or "en"
	Zone string // the customer's IANA time zone ("Europe/Oslo"); UTC if empty
}

// TranscriptFile is a transcript to download.
type TranscriptFile struct {
	Name string // the file name to save it under
	HTML []byte
}

// transcriptDoc reads the actor's conversation id in the customer view and
// makes the transcript's document of it.
func (s *Service) transcriptDoc(ctx context.Context, a auth.Actor, id chat.ConversationID, r TranscriptRequest) (transcript.Doc, error) {
	c, err := s.customerConversation(ctx, a, id)
	if err != nil {
		return transcript.Doc{}, err
	}
	q, err := s.st.Queue(ctx, c.QueueID)
	if err != nil {
		return transcript.Doc{}, fmt.Errorf("transcript: %w", err)
	}
	loc, err := zone(r.Zone)
	if err != nil {
		return transcript.Doc{}, err
	}
	d := transcript.Doc{QueueName: q.Name, CustomerName: c.CustomerName, StartedAt: c.CreatedAt, Lang: r.Lang, Location: loc}
	for after := chat.Seq(0); ; {
		page, err := s.CustomerLog(ctx, a, id, after, MaxPage)
		if err != nil {
			return transcript.Doc{}, err
		}
		d.Events = append(d.Events, page.Events...)
		if !page.More {
			return d, nil
		}
		after = page.Next
	}
}

func zone(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if len(name) > 64 || strings.ContainsAny(name, "\x00\\") {
		return nil, chat.E(chat.EInvalid, "time_zone_unknown", "There is no time zone {zone}.", "field", "zone", "zone", "")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, chat.E(chat.EInvalid, "time_zone_unknown", "There is no time zone {zone}.", "field", "zone", "zone", name)
	}
	return loc, nil
}

// Transcript returns the actor's (a customer's) transcript of conversation
// id, during the chat or after it.
func (s *Service) Transcript(ctx context.Context, a auth.Actor, id chat.ConversationID, r TranscriptRequest) (TranscriptFile, error) {
	d, err := s.transcriptDoc(ctx, a, id, r)
	if err != nil {
		return TranscriptFile{}, err
	}
	html, err := transcript.HTML(d)
	if err != nil {
		return TranscriptFile{}, err
	}
	return TranscriptFile{Name: transcript.Filename(d), HTML: html}, nil
}

// transcriptMail is the payload of a JobTranscriptMail.
type transcriptMail struct {
	Customer chat.CustomerID `json:"customer"`
	To       string          `json:"to"`
	Lang     string          `json:"lang"`
	Zone     string          `json:"zone,omitempty"`
	// Auto marks the automatic transcript of the chat's end
	// (SendAutoTranscripts), sent once.
	Auto bool `json:"auto,omitempty"`
}

// EmailTranscript sends the actor's (a customer's) transcript of
// conversation id to address, through the outbox: the e-mail goes out
// when the mail server takes it, and is retried until then. A chat's
// transcript is sent at most MaxTranscriptMails times, to at most
// MaxTranscriptAddresses addresses.
func (s *Service) EmailTranscript(ctx context.Context, a auth.Actor, id chat.ConversationID, address string, r TranscriptRequest) error {
	if !s.opts.Mail {
		return chat.E(chat.EUnavailable, "mail_not_set_up", "This service does not send e-mail.")
	}
	c, err := s.customerConversation(ctx, a, id)
	if err != nil {
		return err
	}
	addr, err := mail.ParseAddress(strings.TrimSpace(address))
	if err != nil || addr.Name != "" || len(addr.Address) > 254 || !strings.Contains(addr.Address, ".") {
		return chat.E(chat.EInvalid, "email_invalid", "That is not an e-mail address.")
	}
	if _, err := zone(r.Zone); err != nil {
		return err
	}
	sent, err := s.transcriptMails(ctx, id)
	if err != nil {
		return fmt.Errorf("email transcript: %w", err)
	}
	var addresses []string
	for _, m := range sent {
		if !slices.Contains(addresses, strings.ToLower(m.To)) {
			addresses = append(addresses, strings.ToLower(m.To))
		}
	}
	if len(sent) >= MaxTranscriptMails {
		return chat.E(chat.ETooManyRequests, "transcript_mails_exhausted", "This chat's transcript has been sent {max} times already.", "max", MaxTranscriptMails)
	}
	if !slices.Contains(addresses, strings.ToLower(addr.Address)) && len(addresses) >= MaxTranscriptAddresses {
		return chat.E(chat.ETooManyRequests, "transcript_addresses_exhausted", "This chat's transcript can go to at most {max} addresses.", "max", MaxTranscriptAddresses)
	}
	if err := s.queueTranscriptMail(ctx, id, transcriptMail{Customer: c.CustomerID, To: addr.Address, Lang: r.Lang, Zone: r.Zone}); err != nil {
		return fmt.Errorf("email transcript: %w", err)
	}
	if s.opts.Kick != nil {
		s.opts.Kick()
	}
	return nil
}

// TranscriptMessage is an e-mailed transcript, ready to send.
type TranscriptMessage struct {
	To, Subject string
	HTML, Text  []byte
	Lang        string // the transcript's language
}

// TranscriptMail makes the e-mail of a JobTranscriptMail, read as the
// chat's customer through the customer view, as it is when it is sent.
func (s *Service) TranscriptMail(ctx context.Context, j store.Job) (TranscriptMessage, error) {
	var m transcriptMail
	if err := json.Unmarshal(j.Payload, &m); err != nil {
		return TranscriptMessage{}, fmt.Errorf("transcript mail %s: %w", j.ID, err)
	}
	customer := chat.Customer{ID: m.Customer}
	d, err := s.transcriptDoc(ctx, auth.Actor{Customer: &customer}, j.ConversationID, TranscriptRequest{Lang: m.Lang, Zone: m.Zone})
	if err != nil {
		return TranscriptMessage{}, err
	}
	html, err := transcript.HTML(d)
	if err != nil {
		return TranscriptMessage{}, err
	}
	return TranscriptMessage{To: m.To, Subject: transcript.Title(d), HTML: html, Text: transcript.Text(d), Lang: d.Lang}, nil
}

// OutboxJob is a job of the outbox as administrators see it.
type OutboxJob struct {
	ID             string              `json:"id"`
	Kind           string              `json:"kind"`
	ConversationID chat.ConversationID `json:"conversationId,omitempty"`
	Attempts       int                 `json:"attempts"`
	NextAt         time.Time           `json:"nextAt"`
	CreatedAt      time.Time           `json:"createdAt"`
	DoneAt         time.Time           `json:"doneAt,omitzero"`
	FailedAt       time.Time           `json:"failedAt,omitzero"`
	LastError      string              `json:"lastError,omitempty"`
}

// Outbox lists the outbox's jobs for an administrator, newest first: with
// failed set, the ones given up. (What they send, such as an address, is
// not shown.)
func (s *Service) Outbox(ctx context.Context, a auth.Actor, failed bool) ([]OutboxJob, error) {
	u, err := agent(a, "read the outbox")
	if err != nil {
		return nil, err
	}
	if u.Role != chat.RoleAdmin {
		return nil, chat.E(chat.EForbidden, "outbox_forbidden", "Only administrators read the outbox.")
	}
	js, err := s.st.Jobs(ctx, store.JobFilter{Failed: failed})
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	out := make([]OutboxJob, 0, len(js))
	for _, j := range js {
		out = append(out, OutboxJob{ID: j.ID, Kind: j.Kind, ConversationID: j.ConversationID, Attempts: j.Attempts,
			NextAt: j.NextAt, CreatedAt: j.CreatedAt, DoneAt: j.DoneAt, FailedAt: j.FailedAt, LastError: j.LastError})
	}
	return out, nil
}

// MailEnabled reports whether transcripts can be e-mailed.
func (s *Service) MailEnabled() bool { return s.opts.Mail }

// AutoTranscriptMargin is how far before the last end it saw that each run
// of SendAutoTranscripts looks again, for chats that committed their end
// late.
const AutoTranscriptMargin = 10 * time.Minute

// AutoTranscriptWindow is how far back the automatic transcripts look for
// ended chats: a node that was down, or took over the job, sends what
// ended meanwhile, up to a day late and never twice.
const AutoTranscriptWindow = 24 * time.Hour

// SendAutoTranscripts e-mails the transcript of every chat that ended in
// the last AutoTranscriptWindow, since automatic transcripts were turned
// on (chat.Privacy.AutoTranscript), to its customer's verified e-mail
// address, in the widget's language. A chat whose customer has no verified
// address, or whose automatic transcript was queued already, is passed
// by. It returns how many it queued. The retention job runs it every
// minute on one node.
func (s *Service) SendAutoTranscripts(ctx context.Context, now time.Time) (int, error) {
	p, err := s.privacy(ctx)
	if err != nil || !p.AutoTranscript || !s.opts.Mail {
		return 0, err
	}
	w, err := store.WidgetSettings(ctx, s.st)
	if err != nil {
		return 0, fmt.Errorf("auto transcripts: %w", err)
	}
	// Each run reads the chats that ended since AutoTranscriptMargin
	// before the last end the previous run saw: a chat's end time is set
	// when its transaction begins, so one that commits late (behind a row
	// lock, on another node's clock) can appear behind a later one. The
	// chats read again are passed by as queued.
	s.autoMu.Lock()
	defer s.autoMu.Unlock()
	since := now.Add(-AutoTranscriptWindow)
	for _, t := range []time.Time{p.AutoTranscriptSince, s.autoSeen.Add(-AutoTranscriptMargin)} {
		if t.After(since) {
			since = t
		}
	}
	since = since.Add(-time.Nanosecond) // ended at since itself, too
	var after chat.ConversationID
	queued := 0
	for {
		const page = 200
		ended, err := s.st.EndedSince(ctx, since, after, page)
		if err != nil {
			return queued, fmt.Errorf("auto transcripts: %w", err)
		}
		for _, c := range ended {
			ok, err := s.autoTranscript(ctx, c, w.Language)
			if err != nil {
				return queued, err
			}
			if ok {
				queued++
			}
			if c.EndedAt.After(s.autoSeen) {
				s.autoSeen = c.EndedAt
			}
			since, after = c.EndedAt, c.ID
		}
		if len(ended) < page {
			break
		}
	}
	if queued > 0 {
		s.log.Info("automatic transcripts queued", "count", queued)
		if s.opts.Kick != nil {
			s.opts.Kick()
		}
	}
	return queued, nil
}

// autoTranscript queues conversation c's automatic transcript, if its
// customer has a verified e-mail address and it was not queued before.
func (s *Service) autoTranscript(ctx context.Context, c chat.Conversation, lang string) (bool, error) {
	d, err := s.st.CustomerDetails(ctx, c.CustomerID)
	if chat.ErrorCode(err) == chat.ENotFound {
		return false, nil // deleted with its chats meanwhile
	}
	if err != nil {
		return false, fmt.Errorf("auto transcript of %s: %w", c.ID, err)
	}
	var to string
	for _, x := range d.Details {
		if x.Field == chat.FieldEmail && x.Verified {
			to = x.Value
		}
	}
	if to == "" {
		return false, nil
	}
	sent, err := s.transcriptMails(ctx, c.ID)
	if err != nil {
		return false, fmt.Errorf("auto transcript of %s: %w", c.ID, err)
	}
	if slices.ContainsFunc(sent, func(m transcriptMail) bool { return m.Auto }) {
		return false, nil
	}
	if err := s.queueTranscriptMail(ctx, c.ID, transcriptMail{Customer: c.CustomerID, To: to, Lang: lang, Auto: true}); err != nil {
		return false, fmt.Errorf("auto transcript of %s: %w", c.ID, err)
	}
	return true, nil
}

// transcriptMails returns the transcript e-mails queued for conversation
// id (sent, waiting or given up).
func (s *Service) transcriptMails(ctx context.Context, id chat.ConversationID) ([]transcriptMail, error) {
	jobs, err := s.st.Jobs(ctx, store.JobFilter{Kind: JobTranscriptMail, ConversationID: id, Limit: 100})
	if err != nil {
		return nil, err
	}
	out := make([]transcriptMail, 0, len(jobs))
	for _, j := range jobs {
		var m transcriptMail
		if json.Unmarshal(j.Payload, &m) == nil {
			out = append(out, m)
		}
	}
	return out, nil
}

// queueTranscriptMail queues the e-mail m of conversation id's transcript
// in the outbox. The chat is known by the address from then on, for an
// erasure by it.
func (s *Service) queueTranscriptMail(ctx context.Context, id chat.ConversationID, m transcriptMail) error {
	payload, _ := json.Marshal(m) // plain fields: cannot fail
	if err := s.st.AddContact(ctx, id, store.ContactEmail, store.ContactHash(store.ContactEmail, m.To)); err != nil {
		return err
	}
	_, err := s.st.EnqueueJob(ctx, store.Job{Kind: JobTranscriptMail, ConversationID: id, Payload: payload})
	return err
}
