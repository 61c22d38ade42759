-- A secure-delete of the full-text index rewrites a page of every word of
-- every deleted message at once, which held the writer for seconds when the
-- retention job deleted a few dozen chats. Deletions are marked instead,
-- and the words of deleted chats leave the index's pages when it is
-- compacted (store.Erasure.CompactSearchIndex: the nightly compaction).

-- +goose Up
INSERT INTO events_fts (events_fts, rank) VALUES ('secure-delete', 0);

-- +goose Down
INSERT INTO events_fts (events_fts, rank) VALUES ('secure-delete', 1);
