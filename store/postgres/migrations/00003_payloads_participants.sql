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
CREATE TABLE participants (
    conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations (id),
    agent_id        TEXT COLLATE "C" NOT NULL,
    state           TEXT   NOT NULL CHECK (state IN ('offered', 'invited', 'joined', 'gone')),
    first_at        BIGINT NOT NULL,
    joined_at       BIGINT, -- the first join; NULL if never
    left_at         BIGINT, -- the last time the agent stopped being in the chat
    updated_at      BIGINT NOT NULL,
    until_seq       BIGINT, -- the event that ended its part, while gone
    PRIMARY KEY (conversation_id, agent_id)
);
-- "The open chats of agent X", at every agent's hello.
CREATE INDEX participants_agent ON participants (agent_id, state);

-- The record is built from the old columns before they go.
INSERT INTO participants (conversation_id, agent_id, state, first_at, joined_at, left_at, updated_at, until_seq)
SELECT e.conversation_id, e.agent_id,
    CASE
        WHEN e.agent_id = ANY (c.agents) THEN 'joined'
        WHEN c.offer_agent_id = e.agent_id THEN 'offered'
        WHEN c.invitation_agent_id = e.agent_id THEN 'invited'
        ELSE 'gone'
    END,
    min(e.time),
    min(e.time) FILTER (WHERE e.kind = 'agent_joined'),
    CASE
        WHEN c.status = 'ended' AND e.agent_id = ANY (c.agents) THEN c.ended_at
        ELSE max(e.time) FILTER (WHERE e.kind = 'agent_left')
    END,
    max(e.time),
    -- The agent's last event, while it has no part now.
    CASE
        WHEN e.agent_id = ANY (c.agents) OR c.offer_agent_id = e.agent_id OR c.invitation_agent_id = e.agent_id THEN NULL
        ELSE max(e.seq)
    END
FROM events e JOIN conversations c ON c.id = e.conversation_id
WHERE e.agent_id <> ''
    AND e.kind IN ('offered', 'offer_declined', 'agent_joined', 'agent_left', 'invited', 'invitation_declined')
GROUP BY e.conversation_id, e.agent_id, c.agents, c.offer_agent_id, c.invitation_agent_id, c.status, c.ended_at;

ALTER TABLE events ADD COLUMN payload JSONB; -- NULL when the kind has none
UPDATE events SET payload = NULLIF(jsonb_strip_nulls(CASE kind
        WHEN 'started' THEN jsonb_build_object('queueId', NULLIF(queue_id, ''))
        WHEN 'offered' THEN jsonb_build_object('agentId', NULLIF(agent_id, ''), 'agentName', NULLIF(agent_name, ''),
            'queueId', NULLIF(queue_id, ''),
            'expiresAt', to_char(to_timestamp(expires_at / 1000000000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
                || '.' || lpad((expires_at % 1000000000)::text, 9, '0') || 'Z')
        WHEN 'offer_declined' THEN jsonb_build_object('agentId', NULLIF(agent_id, ''),
            'agentName', NULLIF(agent_name, ''), 'reason', NULLIF(reason, ''))
        WHEN 'agent_joined' THEN jsonb_build_object('agentId', NULLIF(agent_id, ''), 'agentName', NULLIF(agent_name, ''))
        WHEN 'agent_left' THEN jsonb_build_object('agentId', NULLIF(agent_id, ''),
            'agentName', NULLIF(agent_name, ''), 'reason', NULLIF(reason, ''))
        WHEN 'requeued' THEN jsonb_build_object('queueId', NULLIF(queue_id, ''), 'reason', NULLIF(reason, ''))
        WHEN 'ended' THEN jsonb_build_object('reason', NULLIF(reason, ''))
        WHEN 'invited' THEN jsonb_build_object('agentId', NULLIF(agent_id, ''), 'agentName', NULLIF(agent_name, ''),
            'queueId', NULLIF(queue_id, ''),
            'expiresAt', to_char(to_timestamp(expires_at / 1000000000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
                || '.' || lpad((expires_at % 1000000000)::text, 9, '0') || 'Z')
        WHEN 'invitation_declined' THEN jsonb_build_object('agentId', NULLIF(agent_id, ''),
            'agentName', NULLIF(agent_name, ''), 'queueId', NULLIF(queue_id, ''), 'reason', NULLIF(reason, ''))
        ELSE '{}'::jsonb
    END), '{}'::jsonb);
ALTER TABLE events DROP COLUMN queue_id, DROP COLUMN agent_id, DROP COLUMN agent_name,
    DROP COLUMN reason, DROP COLUMN expires_at;

-- +goose Down
ALTER TABLE events ADD COLUMN queue_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN agent_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN agent_name TEXT NOT NULL DEFAULT '',
    ADD COLUMN reason TEXT NOT NULL DEFAULT '',
    ADD COLUMN expires_at BIGINT;
UPDATE events SET queue_id = COALESCE(payload ->> 'queueId', ''), agent_id = COALESCE(payload ->> 'agentId', ''),
    agent_name = COALESCE(payload ->> 'agentName', ''), reason = COALESCE(payload ->> 'reason', ''),
    expires_at = (extract(epoch FROM (payload ->> 'expiresAt')::timestamptz) * 1000000)::bigint * 1000
    WHERE payload IS NOT NULL;
ALTER TABLE events ALTER COLUMN queue_id DROP DEFAULT, ALTER COLUMN agent_id DROP DEFAULT,
    ALTER COLUMN agent_name DROP DEFAULT, ALTER COLUMN reason DROP DEFAULT;
ALTER TABLE events DROP COLUMN payload;
DROP TABLE participants;
