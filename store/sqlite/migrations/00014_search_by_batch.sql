-- The store adds each transaction's new events to the full-text index in
-- one statement, in the order of their rowids, instead of a trigger per
-- event: FTS5 writes a segment at every savepoint, and the trigger made one
-- per event of a group commit (since 00015, through a queue).
-- The index no longer keeps each document's size (columnsize=0): it is for
-- ranking by bm25, and the chat log is ordered by time. The index is built
-- again from the log, which takes some seconds per million messages.

-- +goose Up
DROP TRIGGER events_search;
DROP TABLE events_fts;
CREATE VIRTUAL TABLE events_fts USING fts5(text, content = '', columnsize = 0, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO events_fts (rowid, text)
    SELECT (c.ord << 20) | e.seq, e.text FROM events e JOIN conversations c ON c.id = e.conversation_id
    WHERE e.text <> '' AND e.seq < 1048576 ORDER BY 1;

-- +goose Down
DROP TABLE events_fts;
CREATE VIRTUAL TABLE events_fts USING fts5(text, content = '', tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO events_fts (rowid, text)
    SELECT (c.ord << 20) | e.seq, e.text FROM events e JOIN conversations c ON c.id = e.conversation_id
    WHERE e.text <> '' AND e.seq < 1048576 ORDER BY 1;
-- +goose StatementBegin
CREATE TRIGGER events_search AFTER INSERT ON events WHEN new.text <> '' AND new.seq < 1048576 BEGIN
    INSERT INTO events_fts (rowid, text)
        VALUES (((SELECT ord FROM conversations WHERE id = new.conversation_id) << 20) | new.seq, new.text);
END;
-- +goose StatementEnd
