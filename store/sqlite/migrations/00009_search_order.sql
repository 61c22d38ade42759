-- The chat log lists chats in the order they arrived (ord, newest first),
-- and the full-text index is numbered by it: an event's document is its
-- conversation's ord shifted left by 20 bits, with its seq in those bits.
-- A chat's documents are then one range of rowids, and the index's own
-- order (FTS5 reads rowids backwards as fast as forwards) is the chat log's:
-- the first page of a search reads the newest matches and stops, however
-- many older chats match, and the hits of a chat are found in its range.
-- search_docs, which numbered documents before, goes. Events after the
-- 1 048 575th of a chat are not indexed.

-- +goose Up
ALTER TABLE conversations ADD COLUMN ord INTEGER;
UPDATE conversations SET ord = o.n
    FROM (SELECT id, row_number() OVER (ORDER BY created_at, rowid) AS n FROM conversations) AS o
    WHERE o.id = conversations.id;
CREATE UNIQUE INDEX conversations_ord ON conversations (ord);

DROP TRIGGER events_search;
DROP TABLE events_fts;
DROP TABLE search_docs;
CREATE VIRTUAL TABLE events_fts USING fts5(text, content = '', tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO events_fts (events_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO events_fts (rowid, text)
    SELECT (c.ord << 20) | e.seq, e.text FROM events e JOIN conversations c ON c.id = e.conversation_id
    WHERE e.text <> '' AND e.seq < 1048576;
-- +goose StatementBegin
CREATE TRIGGER events_search AFTER INSERT ON events WHEN new.text <> '' AND new.seq < 1048576 BEGIN
    INSERT INTO events_fts (rowid, text)
        VALUES (((SELECT ord FROM conversations WHERE id = new.conversation_id) << 20) | new.seq, new.text);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER events_search;
DROP TABLE events_fts;
CREATE TABLE search_docs (
    doc             INTEGER PRIMARY KEY,
    conversation_id TEXT    NOT NULL,
    seq             INTEGER NOT NULL
);
CREATE INDEX search_docs_conversation ON search_docs (conversation_id, seq);
CREATE VIRTUAL TABLE events_fts USING fts5(text, content = '', tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO events_fts (events_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO search_docs (conversation_id, seq)
    SELECT conversation_id, seq FROM events WHERE text <> '' ORDER BY conversation_id, seq;
INSERT INTO events_fts (rowid, text)
    SELECT d.doc, e.text FROM search_docs d JOIN events e ON e.conversation_id = d.conversation_id AND e.seq = d.seq;
-- +goose StatementBegin
CREATE TRIGGER events_search AFTER INSERT ON events WHEN new.text <> '' BEGIN
    INSERT INTO search_docs (conversation_id, seq) VALUES (new.conversation_id, new.seq);
    INSERT INTO events_fts (rowid, text) VALUES (last_insert_rowid(), new.text);
END;
-- +goose StatementEnd
DROP INDEX conversations_ord;
ALTER TABLE conversations DROP COLUMN ord;
