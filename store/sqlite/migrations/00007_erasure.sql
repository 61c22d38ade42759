-- Deleting chats (R15): the retention job finds ended chats by queue and
-- end, and those whose customer asked to have them deleted; erasure on
-- request finds a customer's chats by customer, by a hash of an e-mail
-- address or of a verified id (contacts); what remains of deleted chats is
-- anonymous counts (erased_counts). Deleted chats leave no words in the
-- full-text index (FTS5 secure-delete, below).

-- +goose Up
CREATE TABLE contacts (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    kind            TEXT NOT NULL,
    hash            TEXT NOT NULL,
    PRIMARY KEY (conversation_id, kind, hash)
) WITHOUT ROWID;
CREATE INDEX contacts_hash ON contacts (kind, hash);

CREATE TABLE erased_counts (
    day           TEXT    NOT NULL,
    queue_id      TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    conversations INTEGER NOT NULL,
    answered      INTEGER NOT NULL,
    messages      INTEGER NOT NULL,
    PRIMARY KEY (day, queue_id, reason)
) WITHOUT ROWID;

CREATE INDEX conversations_ended ON conversations (ended_at) WHERE status = 'ended';
CREATE INDEX conversations_queue_ended ON conversations (queue_id, ended_at) WHERE status = 'ended';
CREATE INDEX conversations_erasure ON conversations (ended_at)
    WHERE status = 'ended' AND record ->> '$.erasureRequested' = 1;
CREATE INDEX conversations_customer ON conversations (customer_id);

-- A deleted chat's words leave the full-text index at once, not at the
-- next merge of its segments: the index is made again as a plain
-- contentless table in secure-delete mode, from which a document is
-- deleted with its text (the 'delete' command, given the event's text,
-- which never changes); a contentless_delete table would only mark it.
DROP TRIGGER events_search;
DROP TABLE events_fts;
CREATE VIRTUAL TABLE events_fts USING fts5(text, content = '', tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO events_fts (events_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO events_fts (rowid, text)
    SELECT d.doc, e.text FROM search_docs d JOIN events e ON e.conversation_id = d.conversation_id AND e.seq = d.seq;
-- +goose StatementBegin
CREATE TRIGGER events_search AFTER INSERT ON events WHEN new.text <> '' BEGIN
    INSERT INTO search_docs (conversation_id, seq) VALUES (new.conversation_id, new.seq);
    INSERT INTO events_fts (rowid, text) VALUES (last_insert_rowid(), new.text);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER events_search;
DROP TABLE events_fts;
CREATE VIRTUAL TABLE events_fts USING fts5(text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO events_fts (rowid, text)
    SELECT d.doc, e.text FROM search_docs d JOIN events e ON e.conversation_id = d.conversation_id AND e.seq = d.seq;
-- +goose StatementBegin
CREATE TRIGGER events_search AFTER INSERT ON events WHEN new.text <> '' BEGIN
    INSERT INTO search_docs (conversation_id, seq) VALUES (new.conversation_id, new.seq);
    INSERT INTO events_fts (rowid, text) VALUES (last_insert_rowid(), new.text);
END;
-- +goose StatementEnd
DROP INDEX conversations_customer;
DROP INDEX conversations_erasure;
DROP INDEX conversations_queue_ended;
DROP INDEX conversations_ended;
DROP TABLE erased_counts;
DROP TABLE contacts;
