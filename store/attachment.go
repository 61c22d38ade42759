package store

import (
	"context"
	"time"

	"skranke/chat"
)

// UploadKey identifies a client's upload id: unique per conversation and
// author (a Participant's ID), like MsgKey for messages.
type UploadKey struct {
	Conversation chat.ConversationID
	Author       string
	UploadID     string
}

// Attachments holds the records of uploaded files; their bytes are in a
// blob.Store under the attachment's id. A record is sent (carried by a
// message) by AppendEvent, which checks inside its transaction that the
// message's author uploaded it to that conversation and that it is not
// sent yet (Batch, chat.AttachFiles).
type Attachments interface {
	// CreateAttachment stores a, unsent; the store sets CreatedAt. One
	// with the same UploadKey stored before is a conflict (read it with
	// AttachmentByUpload); an unknown conversation is invalid.
	CreateAttachment(ctx context.Context, a chat.Attachment) (chat.Attachment, error)
	// Attachment returns the attachment with that id, sent or not;
	// not_found if there is none or it was given up.
	Attachment(ctx context.Context, id chat.AttachmentID) (chat.Attachment, error)
	// AttachmentByUpload returns the attachment with that upload key,
	// not_found if there is none or it was given up.
	AttachmentByUpload(ctx context.Context, k UploadKey) (chat.Attachment, error)
	// Uploads returns how many files, and how many bytes in all, author
	// has uploaded to a conversation, sent or not (for the limits per
	// chat).
	Uploads(ctx context.Context, id chat.ConversationID, author string) (files int, bytes int64, err error)
	// ExpireAttachments gives up the attachments still unsent that were
	// created before `before`: from then on no message can carry them. It
	// returns up to limit attachments given up, now or by an earlier call,
	// whose records remain, oldest first: their bytes are to be removed,
	// then their records (DeleteAttachment).
	ExpireAttachments(ctx context.Context, before time.Time, limit int) ([]chat.Attachment, error)
	// DeleteAttachment deletes the record of an attachment given up; of
	// one that was not, it is a conflict; of a missing one, not an error.
	DeleteAttachment(ctx context.Context, id chat.AttachmentID) error
}

// AttachmentUse is a file a batch's message carries: the record to mark
// sent with the message's Seq.
type AttachmentUse struct {
	ID  chat.AttachmentID
	Seq chat.Seq
}
