-- The organisation's chat log: a summary of each conversation beside its
-- state (chat.Record, as JSON, so its fields need no schema change), the
-- full-text index of every event with text (messages, private notes,
-- invitation notes), and evaluations of ended chats, kept apart from the
-- chat's own log.
--
-- The index is a contentless FTS5 table (the text is in events already)
-- whose rowids are documents of search_docs, which maps each back to its
-- event and lets a conversation's entries be deleted without a scan. The
-- tokenizer is unicode61: words of letters and digits in any script, case
-- folded, æ, ø and å kept as they are, no stemming; the PostgreSQL store
-- indexes the same way ('simple'), so both find the same chats.

-- +goose Up
ALTER TABLE conversations ADD COLUMN record TEXT NOT NULL DEFAULT '{}';
UPDATE conversations SET record = json_patch('{}', json_object(
    'answeredAt', (SELECT strftime('%Y-%m-%dT%H:%M:%S', e.time / 1000000000, 'unixepoch')
            || printf('.%09dZ', e.time % 1000000000)
        FROM events e WHERE e.conversation_id = conversations.id AND e.kind = 'agent_joined' ORDER BY e.seq LIMIT 1),
    'endedBy', (SELECT e.author_role FROM events e WHERE e.conversation_id = conversations.id AND e.kind = 'ended'),
    'endReason', (SELECT e.payload ->> '$.reason' FROM events e WHERE e.conversation_id = conversations.id AND e.kind = 'ended'),
    'messages', (SELECT count(*) FROM events e WHERE e.conversation_id = conversations.id AND e.kind = 'message' AND e.visibility = 'all'),
    'private', (SELECT count(*) FROM events e WHERE e.conversation_id = conversations.id AND e.kind = 'message' AND e.visibility = 'agents')));

CREATE TABLE search_docs (
    doc             INTEGER PRIMARY KEY,
    conversation_id TEXT    NOT NULL,
    seq             INTEGER NOT NULL
);
CREATE INDEX search_docs_conversation ON search_docs (conversation_id, seq);
CREATE VIRTUAL TABLE events_fts USING fts5(text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0');

INSERT INTO search_docs (conversation_id, seq)
    SELECT conversation_id, seq FROM events WHERE text <> '' ORDER BY conversation_id, seq;
INSERT INTO events_fts (rowid, text)
    SELECT d.doc, e.text FROM search_docs d JOIN events e ON e.conversation_id = d.conversation_id AND e.seq = d.seq;

-- Every event with text is indexed in the transaction that stores it.
-- +goose StatementBegin
CREATE TRIGGER events_search AFTER INSERT ON events WHEN new.text <> '' BEGIN
    INSERT INTO search_docs (conversation_id, seq) VALUES (new.conversation_id, new.seq);
    INSERT INTO events_fts (rowid, text) VALUES (last_insert_rowid(), new.text);
END;
-- +goose StatementEnd

CREATE TABLE evaluations (
    conversation_id TEXT    PRIMARY KEY REFERENCES conversations (id),
    score           INTEGER NOT NULL,
    note            TEXT    NOT NULL,
    author_id       TEXT    NOT NULL,
    author_name     TEXT    NOT NULL,
    updated_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL
);

-- +goose Down
DROP TABLE evaluations;
DROP TRIGGER events_search;
DROP TABLE events_fts;
DROP TABLE search_docs;
ALTER TABLE conversations DROP COLUMN record;
