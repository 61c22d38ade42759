-- Events become an envelope of columns and one JSON payload per kind
-- (chat.Event.Data), so that a new kind or payload field needs no change to
-- the schema; and the participants record: every agent's part in every
-- conversation, kept in the transaction that appends the events.
--
-- The payload's keys are the JSON names of the chat package's payload
-- types (agentId, agentName, queueId, reason, expiresAt); empty values are
-- left out, as Go leaves them out. Times in payloads are RFC 3339 strings
-- with nanoseconds, in UTC.

-- +goose Up
-- The record is built from the old columns before they go.
CREATE TABLE participants (
    conversation_id TEXT    NOT NULL REFERENCES conversations (id),
    agent_id        TEXT    NOT NULL,
    state           TEXT    NOT NULL, -- offered, invited, joined (in it, or when it ended) or gone
    first_at        INTEGER NOT NULL,
    joined_at       INTEGER,          -- the first join; NULL if never
    left_at         INTEGER,          -- the last time the agent stopped being in the chat
    updated_at      INTEGER NOT NULL,
    until_seq       INTEGER,          -- the event that ended its part, while gone
    PRIMARY KEY (conversation_id, agent_id)
) WITHOUT ROWID;
-- "The open chats of agent X", at every agent's hello.
CREATE INDEX participants_agent ON participants (agent_id, state);

INSERT INTO participants (conversation_id, agent_id, state, first_at, joined_at, left_at, updated_at, until_seq)
SELECT e.conversation_id, e.agent_id,
    CASE
        WHEN EXISTS (SELECT 1 FROM json_each(c.agents) WHERE json_each.value = e.agent_id) THEN 'joined'
        WHEN c.offer_agent_id = e.agent_id THEN 'offered'
        WHEN c.invitation_agent_id = e.agent_id THEN 'invited'
        ELSE 'gone'
    END,
    MIN(e.time),
    MIN(CASE WHEN e.kind = 'agent_joined' THEN e.time END),
    CASE
        WHEN c.status = 'ended' AND EXISTS (SELECT 1 FROM json_each(c.agents) WHERE json_each.value = e.agent_id)
            THEN c.ended_at
        ELSE MAX(CASE WHEN e.kind = 'agent_left' THEN e.time END)
    END,
    MAX(e.time),
    -- The agent's last event, while it has no part now.
    CASE
        WHEN EXISTS (SELECT 1 FROM json_each(c.agents) WHERE json_each.value = e.agent_id)
            OR c.offer_agent_id = e.agent_id OR c.invitation_agent_id = e.agent_id THEN NULL
        ELSE MAX(e.seq)
    END
FROM events e JOIN conversations c ON c.id = e.conversation_id
WHERE e.agent_id <> ''
    AND e.kind IN ('offered', 'offer_declined', 'agent_joined', 'agent_left', 'invited', 'invitation_declined')
GROUP BY e.conversation_id, e.agent_id;

CREATE TABLE events_new (
    conversation_id TEXT    NOT NULL REFERENCES conversations (id),
    seq             INTEGER NOT NULL,
    time            INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    visibility      TEXT    NOT NULL,
    author_role     TEXT    NOT NULL,
    author_id       TEXT    NOT NULL,
    author_name     TEXT    NOT NULL,
    client_msg_id   TEXT    NOT NULL,
    text            TEXT    NOT NULL,
    payload         TEXT,             -- JSON; NULL when the kind has none
    PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;

INSERT INTO events_new (conversation_id, seq, time, kind, visibility, author_role, author_id, author_name,
    client_msg_id, text, payload)
SELECT conversation_id, seq, time, kind, visibility, author_role, author_id, author_name, client_msg_id, text,
    NULLIF(json_patch('{}', CASE kind
        WHEN 'started' THEN json_object('queueId', NULLIF(queue_id, ''))
        WHEN 'offered' THEN json_object('agentId', NULLIF(agent_id, ''), 'agentName', NULLIF(agent_name, ''),
            'queueId', NULLIF(queue_id, ''),
            'expiresAt', CASE WHEN expires_at IS NULL THEN NULL ELSE
                strftime('%Y-%m-%dT%H:%M:%S', expires_at / 1000000000, 'unixepoch')
                || printf('.%09dZ', expires_at % 1000000000) END)
        WHEN 'offer_declined' THEN json_object('agentId', NULLIF(agent_id, ''), 'agentName', NULLIF(agent_name, ''),
            'reason', NULLIF(reason, ''))
        WHEN 'agent_joined' THEN json_object('agentId', NULLIF(agent_id, ''), 'agentName', NULLIF(agent_name, ''))
        WHEN 'agent_left' THEN json_object('agentId', NULLIF(agent_id, ''), 'agentName', NULLIF(agent_name, ''),
            'reason', NULLIF(reason, ''))
        WHEN 'requeued' THEN json_object('queueId', NULLIF(queue_id, ''), 'reason', NULLIF(reason, ''))
        WHEN 'ended' THEN json_object('reason', NULLIF(reason, ''))
        WHEN 'invited' THEN json_object('agentId', NULLIF(agent_id, ''), 'agentName', NULLIF(agent_name, ''),
            'queueId', NULLIF(queue_id, ''),
            'expiresAt', CASE WHEN expires_at IS NULL THEN NULL ELSE
                strftime('%Y-%m-%dT%H:%M:%S', expires_at / 1000000000, 'unixepoch')
                || printf('.%09dZ', expires_at % 1000000000) END)
        WHEN 'invitation_declined' THEN json_object('agentId', NULLIF(agent_id, ''),
            'agentName', NULLIF(agent_name, ''), 'queueId', NULLIF(queue_id, ''), 'reason', NULLIF(reason, ''))
        ELSE '{}'
    END), '{}')
FROM events;

DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
-- An event retried with the same client message id is stored once.
CREATE UNIQUE INDEX events_client_msg_id ON events (conversation_id, author_id, client_msg_id) WHERE client_msg_id <> '';

-- +goose Down
CREATE TABLE events_old (
    conversation_id TEXT    NOT NULL REFERENCES conversations (id),
    seq             INTEGER NOT NULL,
    time            INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    visibility      TEXT    NOT NULL,
    author_role     TEXT    NOT NULL,
    author_id       TEXT    NOT NULL,
    author_name     TEXT    NOT NULL,
    client_msg_id   TEXT    NOT NULL,
    text            TEXT    NOT NULL,
    queue_id        TEXT    NOT NULL,
    agent_id        TEXT    NOT NULL,
    agent_name      TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    expires_at      INTEGER,
    PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
INSERT INTO events_old
SELECT conversation_id, seq, time, kind, visibility, author_role, author_id, author_name, client_msg_id, text,
    COALESCE(payload ->> '$.queueId', ''), COALESCE(payload ->> '$.agentId', ''),
    COALESCE(payload ->> '$.agentName', ''), COALESCE(payload ->> '$.reason', ''),
    -- Back to nanoseconds at the millisecond: SQLite reads no finer.
    CAST(unixepoch(payload ->> '$.expiresAt', 'subsec') * 1000 AS INTEGER) * 1000000
FROM events;
DROP TABLE events;
ALTER TABLE events_old RENAME TO events;
CREATE UNIQUE INDEX events_client_msg_id ON events (conversation_id, author_id, client_msg_id) WHERE client_msg_id <> '';
DROP TABLE participants;
