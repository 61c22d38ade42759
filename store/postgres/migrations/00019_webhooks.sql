-- Webhooks: endpoints, their delivery logs, and ordered outbox jobs (a
-- key's jobs are handed out one at a time, in ordinal order).

-- +goose Up
ALTER TABLE outbox ADD COLUMN ordering_key TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN ordinal BIGINT NOT NULL DEFAULT 0;
CREATE INDEX outbox_ordering ON outbox (ordering_key, ordinal) WHERE ordering_key <> '' AND done_at IS NULL AND failed_at IS NULL;

CREATE TABLE webhook_endpoints (
    id              TEXT COLLATE "C" PRIMARY KEY,
    url             TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    -- the event types, comma-separated with a comma at both ends: ",chat.ended,message.sent,"
    events          TEXT    NOT NULL,
    include_private BOOLEAN NOT NULL,
    allow_insecure  BOOLEAN NOT NULL,
    secret          TEXT    NOT NULL,
    previous_secret TEXT    NOT NULL,
    previous_until  BIGINT  NOT NULL,
    paused_at       BIGINT  NOT NULL,
    paused_reason   TEXT    NOT NULL,
    failures        INTEGER  NOT NULL,
    failing_since   BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    version         BIGINT  NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id     TEXT COLLATE "C" NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    job_id          TEXT    NOT NULL,
    message_id      TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL,
    seq             BIGINT  NOT NULL,
    time            BIGINT  NOT NULL,
    status          INTEGER  NOT NULL,
    duration_ms     BIGINT  NOT NULL,
    response        TEXT    NOT NULL,
    ok              BOOLEAN NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP INDEX outbox_ordering;
ALTER TABLE outbox DROP COLUMN ordinal;
ALTER TABLE outbox DROP COLUMN ordering_key;
