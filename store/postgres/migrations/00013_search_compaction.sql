-- Nothing to change here (the SQLite store's index changed); the number is
-- kept so both stores have the same migrations.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
