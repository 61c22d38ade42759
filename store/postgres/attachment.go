package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"skranke/chat"
	"skranke/store"
)

// attachmentColumns are the columns scanAttachment reads.
const attachmentColumns = `id, conversation_id, author_role, author_id, upload_id, name, type, charset,
	size, sha256, width, height, thumbnail, created_at, message_seq, expired_at`

// sendAttachmentsSQL marks attachments sent, $1 the ids and $2 the Seqs
// of their messages; the batch holds their rows locked.
const sendAttachmentsSQL = `UPDATE attachments a SET message_seq = u.seq
	FROM unnest($1::text[], $2::bigint[]) AS u (id, seq)
	WHERE a.id = u.id AND a.message_seq IS NULL AND a.expired_at IS NULL`

func scanAttachment(s pgx.Row) (chat.Attachment, error) {
	var a chat.Attachment
	var created int64
	var seq, expired *int64
	if err := s.Scan(&a.ID, &a.ConversationID, &a.Author.Role, &a.Author.ID, &a.UploadID, &a.Name, &a.Type, &a.Charset,
		&a.Size, &a.SHA256, &a.Width, &a.Height, &a.Thumbnail, &created, &seq, &expired); err != nil {
		return chat.Attachment{}, err
	}
	a.CreatedAt = unixTime(created)
	if seq != nil {
		a.MessageSeq = chat.Seq(*seq)
	}
	a.Expired = expired != nil
	return a, nil
}

var errNoAttachment = chat.E(chat.ENotFound, "file_not_found", "No such file.")

// CreateAttachment stores a new, unsent attachment.
func (db *DB) CreateAttachment(ctx context.Context, a chat.Attachment) (chat.Attachment, error) {
	if err := chat.CheckUploadID(a.UploadID); err != nil {
		return chat.Attachment{}, err
	}
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		a.CreatedAt, a.MessageSeq, a.Expired = now, 0, false
		_, err := tx.Exec(ctx, `INSERT INTO attachments (`+attachmentColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, NULL)`,
			a.ID, a.ConversationID, a.Author.Role, a.Author.ID, a.UploadID, a.Name, a.Type, a.Charset,
			a.Size, a.SHA256, a.Width, a.Height, a.Thumbnail, now.UnixNano())
		return conflict(err, chat.E(chat.EConflict, "upload_exists", "This upload was stored already."))
	})
	if err != nil {
		return chat.Attachment{}, fmt.Errorf("create attachment: %w", err)
	}
	return a, nil
}

// Attachment returns an attachment by id.
func (db *DB) Attachment(ctx context.Context, id chat.AttachmentID) (chat.Attachment, error) {
	a, err := scanAttachment(db.pool.QueryRow(ctx, `SELECT `+attachmentColumns+`
		FROM attachments WHERE id = $1 AND expired_at IS NULL`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.Attachment{}, errNoAttachment
	}
	if err != nil {
		return chat.Attachment{}, fmt.Errorf("attachment: %w", db.classify(err))
	}
	return a, nil
}

// AttachmentByUpload returns the attachment with upload key k.
func (db *DB) AttachmentByUpload(ctx context.Context, k store.UploadKey) (chat.Attachment, error) {
	if chat.CheckUploadID(k.UploadID) != nil {
		return chat.Attachment{}, errNoAttachment // what cannot be stored is not there
	}
	a, err := scanAttachment(db.pool.QueryRow(ctx, `SELECT `+attachmentColumns+`
		FROM attachments WHERE conversation_id = $1 AND author_id = $2 AND upload_id = $3 AND expired_at IS NULL`,
		k.Conversation, k.Author, k.UploadID))
	if errors.Is(err, pgx.ErrNoRows) {
		return chat.Attachment{}, errNoAttachment
	}
	if err != nil {
		return chat.Attachment{}, fmt.Errorf("attachment by upload: %w", db.classify(err))
	}
	return a, nil
}

// Uploads counts what author uploaded to conversation id.
func (db *DB) Uploads(ctx context.Context, id chat.ConversationID, author string) (int, int64, error) {
	var n int
	var bytes int64
	err := db.pool.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(size), 0)::bigint FROM attachments
		WHERE conversation_id = $1 AND author_id = $2`, id, author).Scan(&n, &bytes)
	if err != nil {
		return 0, 0, fmt.Errorf("uploads: %w", db.classify(err))
	}
	return n, bytes, nil
}

// ExpireAttachments gives up unsent attachments older than before and
// returns those given up, oldest first. A batch sending one of them holds
// its row locked: the UPDATE waits for it and then skips the sent row.
func (db *DB) ExpireAttachments(ctx context.Context, before time.Time, limit int) ([]chat.Attachment, error) {
	var out []chat.Attachment
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		if _, err := tx.Exec(ctx, `UPDATE attachments SET expired_at = $1
			WHERE message_seq IS NULL AND expired_at IS NULL AND created_at < $2`, now.UnixNano(), before.UnixNano()); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+attachmentColumns+` FROM attachments
			WHERE message_seq IS NULL AND expired_at IS NOT NULL ORDER BY created_at, id LIMIT $1`, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (chat.Attachment, error) { return scanAttachment(row) })
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("expire attachments: %w", err)
	}
	return out, nil
}

// DeleteAttachment deletes the record of a given-up attachment.
func (db *DB) DeleteAttachment(ctx context.Context, id chat.AttachmentID) error {
	err := db.writeTx(ctx, func(tx pgx.Tx, now time.Time) error {
		var expired, seq *int64
		err := tx.QueryRow(ctx, `SELECT expired_at, message_seq FROM attachments WHERE id = $1 FOR UPDATE`, id).Scan(&expired, &seq)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if expired == nil || seq != nil {
			return chat.E(chat.EConflict, "file_not_given_up", "Only a file given up can be deleted.")
		}
		_, err = tx.Exec(ctx, `DELETE FROM attachments WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete attachment: %w", err)
	}
	return nil
}
