package conversation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"time"

	"skranke/auth"
	"skranke/blob"
	"skranke/chat"
	"skranke/media"
	"skranke/ratelimit"
	"skranke/store"
)

// Attachments (R12). A file is uploaded first, to a chat, by its customer
// or an agent in it (Upload), and then sent with a message by naming its
// id (SendRequest.AttachmentIDs); the store checks, in the transaction
// that appends the message, that the author uploaded it to that chat and
// has not sent it before. From then on a file is exactly as visible as its
// message: a customer may fetch it only if the message passes
// chat.ForCustomer (CustomerFile), an agent if it may read the chat that
// far (AgentFile). Files never sent are removed after Options.UnsentFor
// (RunSweeper).
//
// An upload is spooled to a temporary file while it arrives, so that it
// is checked whole (type by content, size, a text that is text, an image's
// pixels) before anything is stored, and so that a slow client never holds
// a database connection: only a checked file goes into the blob store, at
// the speed of the local disk. Memory stays at a few buffers per upload,
// whatever the file's size; images are decoded for their thumbnails one at
// a time (Options.Decoders).

// UploadLimits limit what customers upload (agents are not limited). The
// zero value limits nothing beyond the size of each file.
type UploadLimits struct {
	// Files limits the files one customer may upload, as a token bucket
	// per customer: a burst, then a steady rate. nil: no limit.
	Files *ratelimit.Keyed
	// ChatBytes is the most bytes one customer may upload to one chat, sent
	// or not; 0: no limit.
	ChatBytes int64
}

// UploadRequest is a file to upload.
type UploadRequest struct {
	// UploadID is the client's id for the upload (at most 64 bytes): an
	// upload retried with the same id, after a dropped connection, stores
	// nothing new and returns the first one.
	UploadID string
	// Name is the file's name as the client gives it; it is cleaned.
	Name string
	// Size is the length the client declares (Content-Length), or -1 if
	// it declares none. A file declared too large is refused before a byte
	// of it is read.
	Size int64
	// Body is the file's bytes.
	Body io.Reader
}

// errNoFile answers for a file that does not exist or that the caller may
// not see, alike.
var errNoFile = chat.E(chat.ENotFound, "file_not_found", "No such file.")

// fileMB is MaxAttachmentSize in MB, for messages.
const fileMB = chat.MaxAttachmentSize >> 20

func notAccepted(name string) error {
	return chat.E(chat.EInvalid, "file_type", "{name}: only text, PDF and image files can be sent.", "name", name)
}

func tooLarge(name string) error {
	return chat.E(chat.ETooLarge, "file_too_large", "{name}: the file is larger than {max} MB.", "name", name, "max", fileMB)
}

// Upload stores a file in conversation id, as its customer or an agent in
// it, to be sent with a message. It returns the attachment, and created
// false when it is the answer to an earlier upload with the same UploadID
// (nothing is read then). The file is refused, with a message that names
// it, if it is not of an accepted type by its content, is empty or larger
// than chat.MaxAttachmentSize, is an image with too many pixels, or is over
// the customer's limits.
func (s *Service) Upload(ctx context.Context, a auth.Actor, id chat.ConversationID, r UploadRequest) (att chat.Attachment, created bool, err error) {
	if s.opts.Blobs == nil {
		return chat.Attachment{}, false, chat.E(chat.EUnavailable, "files_not_set_up", "Files cannot be sent here.")
	}
	p, err := s.authorIn(ctx, a, id)
	if err != nil {
		return chat.Attachment{}, false, err
	}
	var c chat.Conversation
	if a.Customer != nil {
		c, err = s.customerConversation(ctx, a, id)
	} else {
		c, err = s.memberConversation(ctx, a.User, id)
	}
	if err != nil {
		return chat.Attachment{}, false, err
	}
	if err := chat.CheckUploadID(r.UploadID); err != nil {
		return chat.Attachment{}, false, err
	}
	key := store.UploadKey{Conversation: c.ID, Author: p.ID, UploadID: r.UploadID}
	if old, err := s.st.AttachmentByUpload(ctx, key); err == nil {
		return old, false, nil
	} else if chat.ErrorCode(err) != chat.ENotFound {
		return chat.Attachment{}, false, fmt.Errorf("upload: %w", err)
	}
	if c.Status == chat.StatusEnded {
		return chat.Attachment{}, false, chat.E(chat.EConflict, "chat_ended", "This chat has ended.")
	}
	name := chat.CleanFileName(r.Name)
	if r.Size > chat.MaxAttachmentSize {
		return chat.Attachment{}, false, tooLarge(name)
	}
	if r.Size == 0 {
		return chat.Attachment{}, false, chat.E(chat.EInvalid, "file_empty", "{name}: the file is empty.", "name", name)
	}
	if a.Customer != nil {
		if err := s.checkUploadLimits(ctx, c.ID, p.ID, r.Size); err != nil {
			return chat.Attachment{}, false, err
		}
	}

	f, err := s.spool(ctx, name, r.Body)
	if err != nil {
		return chat.Attachment{}, false, err
	}
	defer f.close()
	if a.Customer != nil && s.opts.Uploads.ChatBytes > 0 {
		if _, bytes, err := s.st.Uploads(ctx, c.ID, p.ID); err == nil && bytes+f.size > s.opts.Uploads.ChatBytes {
			return chat.Attachment{}, false, chatFull(s.opts.Uploads.ChatBytes)
		}
	}
	att = chat.Attachment{
		ID: chat.AttachmentID(chat.NewID()), ConversationID: c.ID,
		Author:   chat.Participant{Role: p.Role, ID: p.ID},
		UploadID: r.UploadID,
		Name:     chat.CleanFileName(media.FixName(name, f.kind.Type)),
		Type:     f.kind.Type.Name, Charset: f.kind.Charset,
		Size: f.size, SHA256: f.sum,
	}
	thumb, err := s.inspect(ctx, f, &att, name)
	if err != nil {
		return chat.Attachment{}, false, err
	}
	if err := s.storeBytes(ctx, f, att, thumb); err != nil {
		return chat.Attachment{}, false, err
	}
	stored, err := s.st.CreateAttachment(ctx, att)
	if chat.ErrorCode(err) == chat.EConflict {
		// The same upload, retried while this one ran: the first to be
		// recorded wins, and this one's bytes go.
		s.deleteBytes(context.WithoutCancel(ctx), att.ID)
		old, lerr := s.st.AttachmentByUpload(ctx, key)
		if lerr != nil {
			return chat.Attachment{}, false, fmt.Errorf("upload: %w", lerr)
		}
		return old, false, nil
	}
	if err != nil {
		s.deleteBytes(context.WithoutCancel(ctx), att.ID)
		return chat.Attachment{}, false, fmt.Errorf("upload: %w", err)
	}
	return stored, true, nil
}

func chatFull(limit int64) error {
	return chat.E(chat.ETooLarge, "chat_files_full", "You have sent as many files in this chat as you can ({max} MB).", "max", limit>>20)
}

// checkUploadLimits refuses a customer's upload over its limits, before
// anything is read.
func (s *Service) checkUploadLimits(ctx context.Context, id chat.ConversationID, customer string, size int64) error {
	lim := s.opts.Uploads
	if ok, wait := lim.Files.Allow(customer); !ok {
		secs := int((wait + time.Second - 1) / time.Second)
		return ratelimit.Exceeded(wait, chat.E(chat.ETooManyRequests, "uploads_too_fast", "You are sending files too fast; try again in {seconds} seconds.", "seconds", secs))
	}
	if lim.ChatBytes > 0 {
		_, bytes, err := s.st.Uploads(ctx, id, customer)
		if err != nil {
			return fmt.Errorf("upload: %w", err)
		}
		if bytes+max(size, 1) > lim.ChatBytes {
			return chatFull(lim.ChatBytes)
		}
	}
	return nil
}

// spooled is an upload written to a temporary file and checked.
type spooled struct {
	*os.File
	kind media.Detected
	size int64
	sum  string // SHA-256, hex
}

func (f *spooled) close() {
	f.File.Close()
	os.Remove(f.Name())
}

// spool writes body to a temporary file, deciding its type from its start
// (a file of a type not accepted is refused before the rest is read),
// counting it (over the limit it is refused as soon as the limit is
// passed), hashing it and, for a text, checking that it holds no NUL
// byte.
func (s *Service) spool(ctx context.Context, name string, body io.Reader) (*spooled, error) {
	head := make([]byte, media.HeadSize)
	n, err := io.ReadFull(body, head)
	switch {
	case err == io.EOF:
		return nil, chat.E(chat.EInvalid, "file_empty", "{name}: the file is empty.", "name", name)
	case err != nil && err != io.ErrUnexpectedEOF:
		return nil, cutOff(name, err)
	}
	head = head[:n]
	kind, ok := media.Detect(head)
	if !ok {
		s.log.Info("upload refused", "type", kind.Found)
		return nil, notAccepted(name)
	}
	tmp, err := os.CreateTemp(s.opts.SpoolDir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("upload: spool: %w", err)
	}
	f := &spooled{File: tmp, kind: kind}
	h := sha256.New()
	text := &textCheck{utf16: kind.Charset == "utf-16le" || kind.Charset == "utf-16be"}
	var w io.Writer = io.MultiWriter(tmp, h)
	if kind.Type.Text {
		w = io.MultiWriter(tmp, h, text)
	}
	if _, err := w.Write(head); err != nil {
		f.close()
		return nil, fmt.Errorf("upload: spool: %w", err)
	}
	rest, err := io.Copy(w, blob.ContextReader(ctx, io.LimitReader(body, chat.MaxAttachmentSize+1-int64(n))))
	f.size = int64(n) + rest
	switch {
	case err != nil && isWriteError(err):
		f.close()
		return nil, fmt.Errorf("upload: spool: %w", err)
	case err != nil:
		f.close()
		return nil, cutOff(name, err)
	case f.size > chat.MaxAttachmentSize:
		f.close()
		return nil, tooLarge(name)
	case text.nul:
		f.close()
		return nil, chat.E(chat.EInvalid, "file_not_text", "{name}: the file is not text.", "name", name)
	}
	f.sum = hex.EncodeToString(h.Sum(nil))
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		f.close()
		return nil, fmt.Errorf("upload: spool: %w", err)
	}
	return f, nil
}

// isWriteError reports whether err is the spool file's (the disk's),
// not the client's.
func isWriteError(err error) bool {
	var pe *os.PathError
	return errors.As(err, &pe)
}

// cutOff is the error of an upload whose body stopped before its end (the
// connection dropped, or it was too slow).
func cutOff(name string, err error) error {
	if ce := chat.ErrorOf(err); ce.Code != chat.EInternal {
		return err // a chat error of the body's reader (too slow, too large)
	}
	return chat.E(chat.EInvalid, "upload_cut_off", "{name}: the upload was cut off; send it again.", "name", name)
}

// textCheck notes whether a text has a NUL byte: a file that starts as text
// and turns binary is not text (UTF-16 texts are full of them).
type textCheck struct {
	utf16 bool
	nul   bool
}

func (c *textCheck) Write(p []byte) (int, error) {
	if !c.utf16 && !c.nul && bytes.IndexByte(p, 0) >= 0 {
		c.nul = true
	}
	return len(p), nil
}

// inspect reads a decodable image's size and makes its thumbnail, one
// image at a time, refusing one with too many pixels or that cannot be
// read as its type.
func (s *Service) inspect(ctx context.Context, f *spooled, att *chat.Attachment, name string) ([]byte, error) {
	t := f.kind.Type
	if !t.Decodable {
		return nil, nil
	}
	w, h, err := media.Size(f, t)
	switch {
	case errors.Is(err, media.ErrTooManyPixels):
		return nil, chat.E(chat.EInvalid, "image_too_large", "{name}: the image has too many pixels (at most {max} megapixels).", "name", name, "max", media.MaxPixels/1_000_000)
	case err != nil:
		return nil, chat.E(chat.EInvalid, "image_damaged", "{name}: the image cannot be read.", "name", name)
	}
	select {
	case s.decodes <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	thumb, _, err := media.Thumbnail(f, t)
	// The decoded image (up to 200 MB) is garbage now: give it back before
	// the next one is decoded, rather than when the heap next doubles.
	runtime.GC()
	<-s.decodes
	if err != nil {
		if errors.Is(err, media.ErrDamaged) {
			return nil, chat.E(chat.EInvalid, "image_damaged", "{name}: the image cannot be read.", "name", name)
		}
		return nil, fmt.Errorf("upload: thumbnail: %w", err)
	}
	att.Width, att.Height, att.Thumbnail = w, h, true
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return thumb, nil
}

// thumbKey is the blob key of an attachment's thumbnail.
func thumbKey(id chat.AttachmentID) string { return string(id) + ".thumb" }

// storeBytes puts a checked file and its thumbnail into the blob store.
func (s *Service) storeBytes(ctx context.Context, f *spooled, att chat.Attachment, thumb []byte) error {
	// A blob store on this disk takes the spooled file as it is.
	if fs, ok := s.opts.Blobs.(blob.FileStore); ok {
		if err := fs.PutFile(ctx, string(att.ID), f.File); err != nil {
			return fmt.Errorf("upload: store: %w", err)
		}
	} else if _, err := s.opts.Blobs.Put(ctx, string(att.ID), f); err != nil {
		return fmt.Errorf("upload: store: %w", err)
	}
	if thumb != nil {
		if _, err := s.opts.Blobs.Put(ctx, thumbKey(att.ID), bytes.NewReader(thumb)); err != nil {
			s.deleteBytes(context.WithoutCancel(ctx), att.ID)
			return fmt.Errorf("upload: store thumbnail: %w", err)
		}
	}
	return nil
}

// deleteBytes removes an attachment's bytes and thumbnail, logging a
// failure (the sweeper does not find bytes without a record).
func (s *Service) deleteBytes(ctx context.Context, id chat.AttachmentID) error {
	err := errors.Join(s.opts.Blobs.Delete(ctx, string(id)), s.opts.Blobs.Delete(ctx, thumbKey(id)))
	if err != nil {
		s.log.Warn("delete attachment bytes", "attachment", id, "err", err)
	}
	return err
}

// File is an attachment's bytes as they are to be served.
type File struct {
	Attachment chat.Attachment
	// ContentType is the type determined at the upload (with its charset,
	// for text), or the thumbnail's.
	ContentType string
	// Inline is set for what a browser may show in place: a raster image
	// or a thumbnail. Everything else is served as a download.
	Inline bool
	// Name is the file name to offer (the cleaned one).
	Name string
	// Thumbnail is set when this is the file's thumbnail.
	Thumbnail bool
	// Object is the bytes; the caller closes it.
	Object blob.Object
}

// CustomerFile returns attachment file (its thumbnail, if thumbnail) of the
// actor's conversation id, if the customer may see the message that
// carries it: that message passes chat.ForCustomer, and names the file.
// Anything else is not_found, as for a file that does not exist: a private
// message's files, files not sent yet, files of another chat.
func (s *Service) CustomerFile(ctx context.Context, a auth.Actor, id chat.ConversationID, file chat.AttachmentID, thumbnail bool) (File, error) {
	if _, err := s.customerConversation(ctx, a, id); err != nil {
		return File{}, err
	}
	att, err := s.sentFile(ctx, id, file)
	if err != nil {
		return File{}, err
	}
	evs, err := s.st.Events(ctx, id, att.MessageSeq-1, 1)
	if err != nil {
		return File{}, fmt.Errorf("file: %w", err)
	}
	if len(evs) != 1 || evs[0].Seq != att.MessageSeq {
		return File{}, errNoFile
	}
	ce, ok := chat.ForCustomer(evs[0])
	if !ok || !slices.Contains(ce.Event().AttachmentIDs(), file) {
		return File{}, errNoFile
	}
	return s.open(ctx, att, thumbnail)
}

// AgentFile returns attachment file (its thumbnail, if thumbnail) of
// conversation id, if the actor may read the chat as an agent as far as
// the message that carries it (the agent view of AgentLog). Files not sent
// yet are not_found.
func (s *Service) AgentFile(ctx context.Context, a auth.Actor, id chat.ConversationID, file chat.AttachmentID, thumbnail bool) (File, error) {
	until, err := s.readableUntil(ctx, a, id, nil)
	if err != nil {
		return File{}, err
	}
	att, err := s.sentFile(ctx, id, file)
	if err != nil {
		return File{}, err
	}
	if until > 0 && att.MessageSeq > until {
		return File{}, errNoFile
	}
	return s.open(ctx, att, thumbnail)
}

// sentFile returns attachment file if it belongs to conversation id and has
// been sent.
func (s *Service) sentFile(ctx context.Context, id chat.ConversationID, file chat.AttachmentID) (chat.Attachment, error) {
	if file == "" || chat.CheckID(string(file), "file id") != nil {
		return chat.Attachment{}, errNoFile
	}
	att, err := s.st.Attachment(ctx, file)
	if chat.ErrorCode(err) == chat.ENotFound {
		return chat.Attachment{}, errNoFile
	} else if err != nil {
		return chat.Attachment{}, fmt.Errorf("file: %w", err)
	}
	if att.ConversationID != id || att.MessageSeq == 0 {
		return chat.Attachment{}, errNoFile
	}
	return att, nil
}

// open opens an attachment's bytes, or its thumbnail's.
func (s *Service) open(ctx context.Context, att chat.Attachment, thumbnail bool) (File, error) {
	if s.opts.Blobs == nil {
		return File{}, chat.E(chat.EUnavailable, "files_not_set_up", "Files cannot be sent here.")
	}
	if thumbnail && !att.Thumbnail {
		return File{}, errNoFile
	}
	key := string(att.ID)
	if thumbnail {
		key = thumbKey(att.ID)
	}
	o, err := s.opts.Blobs.Open(ctx, key)
	if errors.Is(err, blob.ErrNotFound) {
		s.log.Error("attachment without its bytes", "attachment", att.ID, "thumbnail", thumbnail)
		return File{}, errNoFile
	} else if err != nil {
		return File{}, fmt.Errorf("file: %w", err)
	}
	f := File{Attachment: att, ContentType: att.Type, Inline: att.Inline(), Name: att.Name, Object: o}
	if att.Charset != "" {
		f.ContentType += "; charset=" + att.Charset
	}
	if thumbnail {
		// Made by the server: JPEG, or PNG for transparency.
		var head [8]byte
		n, _ := io.ReadFull(o, head[:])
		if _, err := o.Seek(0, io.SeekStart); err != nil {
			o.Close()
			return File{}, fmt.Errorf("file: %w", err)
		}
		f.ContentType, f.Inline, f.Thumbnail = "image/jpeg", true, true
		if d, _ := media.Detect(head[:n]); d.Type.Name == "image/png" {
			f.ContentType = "image/png"
		}
	}
	return f, nil
}

// sweepEvery is how often RunSweeper looks for files never sent.
const sweepEvery = 10 * time.Minute

// RunSweeper removes files uploaded more than Options.UnsentFor ago and
// never sent, now and every few minutes, until ctx is done. Several nodes
// may run it at once: giving a file up is one transaction, and removing
// its bytes and record can be repeated.
func (s *Service) RunSweeper(ctx context.Context) error {
	if s.opts.Blobs == nil {
		return nil
	}
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		if _, err := s.SweepFiles(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sweep unsent files", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// SweepFiles removes the files uploaded more than Options.UnsentFor ago
// and never sent, and returns how many it removed.
func (s *Service) SweepFiles(ctx context.Context) (int, error) {
	const page = 100
	removed, err := s.removeOrphanFiles(ctx)
	if err != nil {
		return removed, err
	}
	for {
		gone, err := s.st.ExpireAttachments(ctx, s.opts.Now().Add(-s.opts.UnsentFor), page)
		if err != nil {
			return removed, err
		}
		for _, a := range gone {
			if err := s.deleteBytes(ctx, a.ID); err != nil {
				return removed, err
			}
			if err := s.st.DeleteAttachment(ctx, a.ID); err != nil {
				return removed, err
			}
			removed++
		}
		if len(gone) < page {
			return removed, nil
		}
	}
}

// removeOrphanFiles removes the bytes of the files of deleted chats
// (store.Erasure.OrphanFiles), and returns how many.
func (s *Service) removeOrphanFiles(ctx context.Context) (int, error) {
	if s.opts.Blobs == nil {
		return 0, nil
	}
	const page = 100
	removed := 0
	for {
		ids, err := s.st.OrphanFiles(ctx, page)
		if err != nil {
			return removed, err
		}
		for _, id := range ids {
			if err := s.deleteBytes(ctx, id); err != nil {
				return removed, err
			}
			if err := s.st.ForgetOrphanFile(ctx, id); err != nil {
				return removed, err
			}
			removed++
		}
		if len(ids) < page {
			return removed, nil
		}
	}
}
