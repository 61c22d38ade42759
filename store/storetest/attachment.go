package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"skranke/chat"
	"skranke/store"
)

// upload stores an unsent attachment of author in conversation c.
func (f *fixture) upload(t *testing.T, c chat.Conversation, author chat.Participant, uploadID string) chat.Attachment {
	t.Helper()
	a := chat.Attachment{ID: chat.AttachmentID("att-" + chat.NewID()), ConversationID: c.ID,
		Author: chat.Participant{Role: author.Role, ID: author.ID}, UploadID: uploadID,
		Name: uploadID + ".png", Type: "image/png", Size: 1234, SHA256: "ab12", Width: 640, Height: 480, Thumbnail: true}
	got, err := f.st.CreateAttachment(f.ctx, a)
	if err != nil {
		t.Fatalf("CreateAttachment(%+v) = %v", a, err)
	}
	return got
}

// withFiles is a message of author in c that carries the files ids.
func withFiles(c chat.Conversation, author chat.Participant, clientMsgID string, ids ...chat.AttachmentID) chat.Event {
	e := message(c, author, clientMsgID, "")
	m := chat.Message{}
	for _, id := range ids {
		m.Attachments = append(m.Attachments, chat.AttachmentRef{ID: id})
	}
	e.Data = m
	return e
}

func (f *fixture) attachment(t *testing.T, id chat.AttachmentID) chat.Attachment {
	t.Helper()
	a, err := f.st.Attachment(f.ctx, id)
	if err != nil {
		t.Fatalf("Attachment(%s) = %v", id, err)
	}
	return a
}

var attachmentTests = map[string]func(t *testing.T, f *fixture){
	"create and read": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		a := f.upload(t, c, customerOf(c), "up1")
		want := a
		want.CreatedAt = start.UTC()
		if d := diff(a, want); d != "" {
			t.Errorf("CreateAttachment's answer mismatch (-want +got):\n%s", d)
		}
		if d := diff(f.attachment(t, a.ID), want); d != "" {
			t.Errorf("Attachment(%s) mismatch (-want +got):\n%s", a.ID, d)
		}
		got, err := f.st.AttachmentByUpload(f.ctx, store.UploadKey{Conversation: c.ID, Author: string(c.CustomerID), UploadID: "up1"})
		if err != nil || got.ID != a.ID {
			t.Errorf("AttachmentByUpload(up1) = %+v, %v; want %s", got, err, a.ID)
		}
		for _, k := range []store.UploadKey{
			{Conversation: c.ID, Author: "someone else", UploadID: "up1"},
			{Conversation: "other", Author: string(c.CustomerID), UploadID: "up1"},
			{Conversation: c.ID, Author: string(c.CustomerID), UploadID: "up2"},
			{Conversation: c.ID, Author: string(c.CustomerID), UploadID: "up\x00"},
		} {
			_, err := f.st.AttachmentByUpload(f.ctx, k)
			wantCode(t, fmt.Sprintf("AttachmentByUpload(%+v)", k), err, chat.ENotFound)
		}
		_, err = f.st.Attachment(f.ctx, "nope")
		wantCode(t, "Attachment(nope)", err, chat.ENotFound)
	},
	"same upload id twice": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		a := f.upload(t, c, customerOf(c), "up1")
		a.ID = "att-other"
		_, err := f.st.CreateAttachment(f.ctx, a)
		wantCode(t, "CreateAttachment(same upload id)", err, chat.EConflict)
		// Another author, or another chat, may use the same id.
		f.upload(t, c, agent("anna"), "up1")
		f.upload(t, f.conversation(t, "c2"), customerOf(c), "up1")
	},
	"unknown conversation": func(t *testing.T, f *fixture) {
		_, err := f.st.CreateAttachment(f.ctx, chat.Attachment{ID: "att-x", ConversationID: "nope",
			Author: chat.Participant{Role: chat.PartyCustomer, ID: "c1"}, UploadID: "u", Name: "a.txt", Type: "text/plain"})
		wantCode(t, "CreateAttachment(unknown conversation)", err, chat.EInvalid)
	},
	"sent with a message": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		one := f.upload(t, c, customerOf(c), "up1")
		two := f.upload(t, c, customerOf(c), "up2")
		f.clock.Add(time.Second)
		e := withFiles(c, customerOf(c), "m1", one.ID, two.ID)
		e.Text = "two photos"
		ap := f.append(t, e)
		want := chat.Message{Attachments: []chat.AttachmentRef{one.Ref(), two.Ref()}}
		if d := diff(ap.Event.Data, want); d != "" {
			t.Errorf("AppendEvent(message with files) payload mismatch (-want +got):\n%s", d)
		}
		if d := diff(f.events(t, c.ID)[1].Data, want); d != "" {
			t.Errorf("Events: the message's payload mismatch (-want +got):\n%s", d)
		}
		for _, id := range []chat.AttachmentID{one.ID, two.ID} {
			if got := f.attachment(t, id); got.MessageSeq != ap.Event.Seq {
				t.Errorf("Attachment(%s).MessageSeq = %d, want %d", id, got.MessageSeq, ap.Event.Seq)
			}
		}
		// A retry is the original, though its files are sent now.
		again, err := f.st.AppendEvent(f.ctx, e)
		if err != nil || !again.Duplicate || again.Event.Seq != ap.Event.Seq {
			t.Errorf("AppendEvent(retry) = %+v, %v; want the original as a duplicate", again, err)
		}
		// Another message cannot send them again.
		_, err = f.st.AppendEvent(f.ctx, withFiles(c, customerOf(c), "m2", one.ID))
		wantCode(t, "AppendEvent(a file sent already)", err, chat.EConflict)
		checkLog(t, f, c.ID, 2)
	},
	"private": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		offerAndJoin(t, f, c, "anna")
		a := f.upload(t, c, agent("anna"), "up1")
		e := withFiles(c, agent("anna"), "m1", a.ID)
		e.Visibility = chat.VisibleAgents
		ap := f.append(t, e)
		if ap.Event.Visibility != chat.VisibleAgents || len(ap.Event.AttachmentIDs()) != 1 {
			t.Errorf("AppendEvent(private message with a file) = %+v", ap.Event)
		}
		if _, ok := chat.ForCustomer(f.events(t, c.ID)[3]); ok {
			t.Errorf("the private message with a file passes ForCustomer as stored")
		}
	},
	"refused files": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		other := f.conversation(t, "c2")
		offerAndJoin(t, f, c, "anna")
		annas := f.upload(t, c, agent("anna"), "up1")
		elsewhere := f.upload(t, other, customerOf(other), "up1")
		mine := f.upload(t, c, customerOf(c), "up1")
		for _, tt := range []struct {
			name string
			id   chat.AttachmentID
		}{
			{"another author's", annas.ID},
			{"of another chat", elsewhere.ID},
			{"unknown", "att-unknown"},
		} {
			_, err := f.st.AppendEvent(f.ctx, withFiles(c, customerOf(c), "m-"+tt.name, mine.ID, tt.id))
			wantCode(t, "AppendEvent(a file "+tt.name+")", err, chat.EInvalid)
		}
		if got := f.attachment(t, mine.ID); got.MessageSeq != 0 {
			t.Errorf("after refused messages, Attachment(mine).MessageSeq = %d, want 0 (unsent)", got.MessageSeq)
		}
		checkLog(t, f, c.ID, 3)
	},
	"one file, two messages at once": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		a := f.upload(t, c, customerOf(c), "up1")
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = f.st.AppendEvent(f.ctx, withFiles(c, customerOf(c), fmt.Sprintf("m%d", i), a.ID))
			})
		}
		wg.Wait()
		ok := 0
		for i, err := range errs {
			switch chat.ErrorCode(err) {
			case "":
				ok++
			case chat.EConflict:
			default:
				t.Errorf("AppendEvent #%d = %v, want success or conflict", i, err)
			}
		}
		if ok != 1 {
			t.Errorf("%d of %d messages with the same file were stored, want exactly 1", ok, n)
		}
		checkLog(t, f, c.ID, 2)
	},
	"uploads": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		f.upload(t, c, customerOf(c), "up1")
		f.upload(t, c, customerOf(c), "up2")
		f.upload(t, c, agent("anna"), "up3")
		n, bytes, err := f.st.Uploads(f.ctx, c.ID, string(c.CustomerID))
		if err != nil || n != 2 || bytes != 2*1234 {
			t.Errorf("Uploads(customer) = %d, %d, %v; want 2, %d", n, bytes, err, 2*1234)
		}
		n, bytes, err = f.st.Uploads(f.ctx, c.ID, "nobody")
		if err != nil || n != 0 || bytes != 0 {
			t.Errorf("Uploads(nobody) = %d, %d, %v; want 0, 0", n, bytes, err)
		}
	},
	"expire": func(t *testing.T, f *fixture) {
		c := f.conversation(t, "c1")
		old := f.upload(t, c, customerOf(c), "old")
		sent := f.upload(t, c, customerOf(c), "sent")
		f.append(t, withFiles(c, customerOf(c), "m1", sent.ID))
		cutoff := f.clock.Add(time.Hour)
		young := f.upload(t, c, customerOf(c), "young")

		err := f.st.DeleteAttachment(f.ctx, old.ID)
		wantCode(t, "DeleteAttachment(unsent, not given up)", err, chat.EConflict)
		given, err := f.st.ExpireAttachments(f.ctx, cutoff, 10)
		if err != nil || len(given) != 1 || given[0].ID != old.ID || !given[0].Expired {
			t.Fatalf("ExpireAttachments(before %v) = %+v, %v; want only the old unsent one", cutoff, given, err)
		}
		// Given up: not found, cannot be sent, and given again until deleted.
		_, err = f.st.Attachment(f.ctx, old.ID)
		wantCode(t, "Attachment(given up)", err, chat.ENotFound)
		_, err = f.st.AppendEvent(f.ctx, withFiles(c, customerOf(c), "m2", old.ID))
		wantCode(t, "AppendEvent(a file given up)", err, chat.EInvalid)
		if again, err := f.st.ExpireAttachments(f.ctx, cutoff, 10); err != nil || len(again) != 1 {
			t.Errorf("ExpireAttachments again = %+v, %v; want the one given up, still there", again, err)
		}
		if err := f.st.DeleteAttachment(f.ctx, old.ID); err != nil {
			t.Errorf("DeleteAttachment(given up) = %v", err)
		}
		if err := f.st.DeleteAttachment(f.ctx, old.ID); err != nil {
			t.Errorf("DeleteAttachment(deleted) = %v, want nil", err)
		}
		err = f.st.DeleteAttachment(f.ctx, sent.ID)
		wantCode(t, "DeleteAttachment(sent)", err, chat.EConflict)
		if again, err := f.st.ExpireAttachments(f.ctx, cutoff, 10); err != nil || len(again) != 0 {
			t.Errorf("ExpireAttachments after the delete = %+v, %v; want none", again, err)
		}
		f.attachment(t, sent.ID)
		f.attachment(t, young.ID)
	},
}
