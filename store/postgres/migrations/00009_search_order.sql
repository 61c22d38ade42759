-- The chat log lists chats in the order they arrived (ord, newest first),
-- as the SQLite store does.

-- +goose Up
CREATE INDEX conversations_ord ON conversations (ord);

-- +goose Down
DROP INDEX conversations_ord;
