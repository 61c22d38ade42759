-- The outbox: work to do outside a request, durably (e-mailed transcripts
-- now, webhooks later), done at least once by the outbox worker, which one
-- node at a time runs.

-- +goose Up
CREATE TABLE outbox (
    id              TEXT COLLATE "C" PRIMARY KEY,
    kind            TEXT   NOT NULL,
    conversation_id TEXT COLLATE "C" NOT NULL,
    payload         JSONB  NOT NULL,
    attempts        INTEGER NOT NULL,
    next_at         BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    done_at         BIGINT,
    failed_at       BIGINT,
    last_error      TEXT   NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_at) WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_conversation ON outbox (conversation_id, kind);

-- +goose Down
DROP TABLE outbox;
