-- The files of deleted chats (retention, erasure): their records go with
-- the chat, in its transaction, and their ids wait here until the files'
-- bytes are gone from the blob store too (the sweeper of unsent files
-- removes them), so that a node that dies in between leaves no file behind.

-- +goose Up
CREATE TABLE orphan_files (
    id    TEXT   PRIMARY KEY,
    since BIGINT NOT NULL
);

-- +goose Down
DROP TABLE orphan_files;
