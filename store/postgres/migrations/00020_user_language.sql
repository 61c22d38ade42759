-- The language a user chose for the agent desktop, the supervisor's page
-- and the admin pages (R21), kept with them so that it follows them to
-- another browser; '' until they choose.

-- +goose Up
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN language;
