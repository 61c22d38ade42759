-- Nothing to change here (the SQLite store indexes by batch); the number is
-- kept so both stores have the same migrations.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
