-- When each customer token was last used, so that tokens left idle expire
-- (auth.Options.CustomerIdle). Existing customers count as seen when they
-- were created.

-- +goose Up
ALTER TABLE customers ADD COLUMN last_seen_at BIGINT;
UPDATE customers SET last_seen_at = created_at;
ALTER TABLE customers ALTER COLUMN last_seen_at SET NOT NULL;

-- +goose Down
ALTER TABLE customers DROP COLUMN last_seen_at;
