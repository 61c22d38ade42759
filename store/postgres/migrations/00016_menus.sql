-- Choice menus (R9): a conversation's fold keeps the state of its menus
-- (chat.Conversation.Menus: open with their options, answered, withdrawn),
-- so that the rules of a chat refuse a second answer in the transaction
-- that would store it. JSON; NULL for a chat that never had a menu. The
-- menus themselves are events of the log, as before.

-- +goose Up
ALTER TABLE conversations ADD COLUMN menus JSONB;

-- +goose Down
ALTER TABLE conversations DROP COLUMN menus;
