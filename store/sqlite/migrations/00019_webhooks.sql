-- Webhooks: endpoints, their delivery logs, and ordered outbox jobs (a
-- key's jobs are handed out one at a time, in ordinal order).

-- +goose Up
ALTER TABLE outbox ADD COLUMN ordering_key TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN ordinal INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_ordering ON outbox (ordering_key, ordinal) WHERE ordering_key <> '' AND done_at IS NULL AND failed_at IS NULL;

CREATE TABLE webhook_endpoints (
    id              TEXT    PRIMARY KEY,
    url             TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    -- the event types, comma-separated with a comma at both ends: ",chat.ended,message.sent,"
    events          TEXT    NOT NULL,
    include_private INTEGER NOT NULL,
    allow_insecure  INTEGER NOT NULL,
    secret          TEXT    NOT NULL,
    previous_secret TEXT    NOT NULL,
    previous_until  INTEGER NOT NULL,
    paused_at       INTEGER NOT NULL,
    paused_reason   TEXT    NOT NULL,
    failures        INTEGER NOT NULL,
    failing_since   INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    endpoint_id     TEXT    NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    job_id          TEXT    NOT NULL,
    message_id      TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL,
    seq             INTEGER NOT NULL,
    time            INTEGER NOT NULL,
    status          INTEGER NOT NULL,
    duration_ms     INTEGER NOT NULL,
    response        TEXT    NOT NULL,
    ok              INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP INDEX outbox_ordering;
ALTER TABLE outbox DROP COLUMN ordinal;
ALTER TABLE outbox DROP COLUMN ordering_key;
