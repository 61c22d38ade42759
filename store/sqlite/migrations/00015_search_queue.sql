-- The documents of appended events wait here for the indexer, which adds
-- them to events_fts in large transactions (indexQueued in chatlog.go): a
-- segment of the index per few thousand events instead of one per group
-- commit. doc is the document's number in events_fts (ord << 20 | seq).

-- +goose Up
CREATE TABLE search_queue (doc INTEGER PRIMARY KEY);

-- +goose Down
INSERT INTO events_fts (rowid, text)
    SELECT q.doc, e.text FROM search_queue q
    JOIN conversations c ON c.ord = q.doc >> 20
    JOIN events e ON e.conversation_id = c.id AND e.seq = q.doc & 1048575
    ORDER BY q.doc;
DROP TABLE search_queue;
