-- Verified customer details (R6): a customer's subject (their id in the
-- organisation's systems, once a signed token vouched for it) and their
-- details, each field with its source and time (a JSON array of
-- chat.Detail). Chats of a subject are found by the customers' subject.

-- +goose Up
ALTER TABLE customers ADD COLUMN subject TEXT COLLATE "C";
ALTER TABLE customers ADD COLUMN details JSONB NOT NULL DEFAULT '[]';
CREATE INDEX customers_subject ON customers (subject) WHERE subject IS NOT NULL;

-- +goose Down
DROP INDEX customers_subject;
ALTER TABLE customers DROP COLUMN details;
ALTER TABLE customers DROP COLUMN subject;
