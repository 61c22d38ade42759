-- The outbox: work to do outside a request, durably (e-mailed transcripts
-- now, webhooks later), done at least once by the outbox worker.

-- +goose Up
CREATE TABLE outbox (
    id              TEXT    PRIMARY KEY,
    kind            TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    next_at         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    done_at         INTEGER,
    failed_at       INTEGER,
    last_error      TEXT    NOT NULL
);
-- What is due, for the worker.
CREATE INDEX outbox_due ON outbox (next_at) WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_conversation ON outbox (conversation_id, kind);

-- +goose Down
DROP TABLE outbox;
