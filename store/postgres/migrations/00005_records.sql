-- The organisation's chat log: a summary of each conversation beside its
-- state (chat.Record, as JSON, so its fields need no schema change), the
-- full-text index of every event with text (messages, private notes,
-- invitation notes), and evaluations of ended chats, kept apart from the
-- chat's own log.
--
-- The index is a tsvector of the 'simple' configuration (lower case, no
-- stemming, no stop words, so Norwegian and English are treated alike) over
-- the text's words as chat.SearchText gives them, which the store computes
-- for each event it inserts, so that PostgreSQL's parser does not make one
-- token of an e-mail address or a host name where the SQLite store (FTS5,
-- unicode61) sees several: both find the same chats. Existing events are
-- indexed from an approximation of SearchText in SQL.

-- +goose Up
ALTER TABLE conversations ADD COLUMN record JSONB NOT NULL DEFAULT '{}';
UPDATE conversations c SET record = jsonb_strip_nulls(jsonb_build_object(
    'answeredAt', (SELECT to_char(to_timestamp(e.time / 1000000000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
            || '.' || lpad((e.time % 1000000000)::text, 9, '0') || 'Z'
        FROM events e WHERE e.conversation_id = c.id AND e.kind = 'agent_joined' ORDER BY e.seq LIMIT 1),
    'endedBy', (SELECT e.author_role FROM events e WHERE e.conversation_id = c.id AND e.kind = 'ended'),
    'endReason', (SELECT e.payload ->> 'reason' FROM events e WHERE e.conversation_id = c.id AND e.kind = 'ended'),
    'messages', (SELECT count(*) FROM events e WHERE e.conversation_id = c.id AND e.kind = 'message' AND e.visibility = 'all'),
    'private', (SELECT count(*) FROM events e WHERE e.conversation_id = c.id AND e.kind = 'message' AND e.visibility = 'agents')));

ALTER TABLE events ADD COLUMN search tsvector;
UPDATE events SET search = to_tsvector('simple', regexp_replace(lower(text), '[^[:alnum:]]+', ' ', 'g'))
    WHERE text <> '';
CREATE INDEX events_search ON events USING GIN (search) WHERE search IS NOT NULL;

CREATE TABLE evaluations (
    conversation_id TEXT COLLATE "C" PRIMARY KEY REFERENCES conversations (id),
    score           INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    note            TEXT    NOT NULL,
    author_id       TEXT COLLATE "C" NOT NULL,
    author_name     TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    version         INTEGER NOT NULL
);

-- +goose Down
DROP TABLE evaluations;
DROP INDEX events_search;
ALTER TABLE events DROP COLUMN search;
ALTER TABLE conversations DROP COLUMN record;
