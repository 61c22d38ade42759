-- Customer presence (chat/presence.go): when the customer first connected
-- and when they last left, NULL for never and while connected. The router
-- rebuilds who has left from these; they are the fold of the
-- customer_connected, customer_left and customer_returned events.

-- +goose Up
ALTER TABLE conversations ADD COLUMN customer_connected_at INTEGER;
ALTER TABLE conversations ADD COLUMN customer_left_at INTEGER;

-- +goose Down
ALTER TABLE conversations DROP COLUMN customer_left_at;
ALTER TABLE conversations DROP COLUMN customer_connected_at;
