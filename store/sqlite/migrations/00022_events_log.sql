-- The events become an append-only log (issue 16): rows in the order they
-- were stored (rowid), so that a second's messages fill a few pages at the
-- end of the file instead of dirtying one page in each chat, and the
-- checkpoint that copies them into the database has few pages to write.
-- A chat's events are found by two narrow indexes whose keys start with
-- the chat's ord (its place in the order of arrival, migration 00009):
-- the chats that are open are the latest ones, so their index entries lie
-- together at the end of each index too. The foreign key is on ord as
-- well: deleting a conversation then finds its events by the index, where
-- one on conversation_id, which no index starts with, would read the log.
--
-- client_key deduplicates retries (event.go, clientKey): a 64-bit hash of
-- the author and the client message id, unique within a chat. It is NULL
-- for an event without a client message id, and for the rare event whose
-- hash another event of its chat has taken already; a lookup reads those
-- too, so a retry is found either way. skranke_client_key is the Go
-- function clientKey, which the package registers with the driver.

-- +goose Up
CREATE TABLE events_log (
    ord             INTEGER NOT NULL REFERENCES conversations (ord),
    seq             INTEGER NOT NULL,
    client_key      INTEGER,
    conversation_id TEXT    NOT NULL,
    time            INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    visibility      TEXT    NOT NULL,
    author_role     TEXT    NOT NULL,
    author_id       TEXT    NOT NULL,
    author_name     TEXT    NOT NULL,
    client_msg_id   TEXT    NOT NULL,
    text            TEXT    NOT NULL,
    payload         TEXT
);
INSERT INTO events_log (ord, seq, client_key, conversation_id, time, kind, visibility, author_role, author_id,
    author_name, client_msg_id, text, payload)
SELECT c.ord, e.seq, CASE WHEN e.client_msg_id <> '' THEN skranke_client_key(e.author_id, e.client_msg_id) END,
    e.conversation_id, e.time, e.kind, e.visibility, e.author_role, e.author_id, e.author_name, e.client_msg_id,
    e.text, e.payload
FROM events e JOIN conversations c ON c.id = e.conversation_id
ORDER BY e.time, c.ord, e.seq;
-- Two events of one chat with the same hash: the first keeps it.
UPDATE events_log SET client_key = NULL
WHERE client_key IS NOT NULL AND rowid NOT IN (
    SELECT min(rowid) FROM events_log WHERE client_key IS NOT NULL GROUP BY ord, client_key);
DROP TABLE events;
ALTER TABLE events_log RENAME TO events;
CREATE UNIQUE INDEX events_ord_seq ON events (ord, seq);
CREATE UNIQUE INDEX events_client_key ON events (ord, client_key);

-- +goose Down
CREATE TABLE events_by_chat (
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
    payload         TEXT,
    PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
INSERT INTO events_by_chat SELECT conversation_id, seq, time, kind, visibility, author_role, author_id, author_name,
    client_msg_id, text, payload FROM events;
DROP TABLE events;
ALTER TABLE events_by_chat RENAME TO events;
CREATE UNIQUE INDEX events_client_msg_id ON events (conversation_id, author_id, client_msg_id) WHERE client_msg_id <> '';
