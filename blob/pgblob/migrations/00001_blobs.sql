-- Blobs in PostgreSQL: each blob is a row of blobs and its bytes in
-- chunks of blob_chunks, written in one transaction (a half blob is never
-- visible) and read a chunk at a time (never a whole blob in memory).

-- +goose Up
CREATE TABLE blobs (
    key        TEXT    PRIMARY KEY,
    size       BIGINT  NOT NULL,
    chunk_size INTEGER NOT NULL, -- every chunk but the last has this many bytes
    created_at BIGINT  NOT NULL  -- Unix nanoseconds
);

CREATE TABLE blob_chunks (
    key  TEXT    NOT NULL REFERENCES blobs (key) ON DELETE CASCADE,
    n    INTEGER NOT NULL, -- 0, 1, 2, …
    data BYTEA   NOT NULL,
    PRIMARY KEY (key, n)
);
-- Attachments are mostly compressed already (images, PDF): store chunks
-- out of line without trying to compress them again.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- +goose Down
DROP TABLE blob_chunks;
DROP TABLE blobs;
