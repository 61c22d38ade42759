-- The records of uploaded files (their bytes are in the blob store, under
-- the id). A file is uploaded to one conversation by one author and sent by
-- at most one message of theirs (message_seq, NULL while unsent); an
-- unsent one that was given up (expired_at) can no longer be sent and is
-- about to be removed.

-- +goose Up
CREATE TABLE attachments (
    id              TEXT    PRIMARY KEY,
    conversation_id TEXT    NOT NULL REFERENCES conversations (id),
    author_role     TEXT    NOT NULL,
    author_id       TEXT    NOT NULL,
    upload_id       TEXT    NOT NULL, -- the uploader's id, for retries
    name            TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    charset         TEXT    NOT NULL,
    size            INTEGER NOT NULL,
    sha256          TEXT    NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    thumbnail       INTEGER NOT NULL, -- 0 or 1
    created_at      INTEGER NOT NULL,
    message_seq     INTEGER,          -- NULL while unsent
    expired_at      INTEGER           -- NULL unless given up
);
-- An upload retried with the same id is stored once.
CREATE UNIQUE INDEX attachments_upload ON attachments (conversation_id, author_id, upload_id);
-- The unsent ones, oldest first, for removal.
CREATE INDEX attachments_unsent ON attachments (created_at) WHERE message_seq IS NULL;

-- +goose Down
DROP TABLE attachments;
