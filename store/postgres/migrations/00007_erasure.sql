-- Deleting chats (R15): the retention job finds ended chats by queue and
-- end, and those whose customer asked to have them deleted; erasure on
-- request finds a customer's chats by customer, by a hash of an e-mail
-- address or of a verified id (contacts); what remains of deleted chats is
-- anonymous counts (erased_counts).

-- +goose Up
CREATE TABLE contacts (
    conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations (id),
    kind            TEXT NOT NULL,
    hash            TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (conversation_id, kind, hash)
);
CREATE INDEX contacts_hash ON contacts (kind, hash);

CREATE TABLE erased_counts (
    day           TEXT COLLATE "C" NOT NULL,
    queue_id      TEXT COLLATE "C" NOT NULL,
    reason        TEXT NOT NULL,
    conversations INTEGER NOT NULL,
    answered      INTEGER NOT NULL,
    messages      BIGINT  NOT NULL,
    PRIMARY KEY (day, queue_id, reason)
);

CREATE INDEX conversations_ended ON conversations (ended_at) WHERE status = 'ended';
CREATE INDEX conversations_queue_ended ON conversations (queue_id, ended_at) WHERE status = 'ended';
CREATE INDEX conversations_erasure ON conversations (ended_at)
    WHERE status = 'ended' AND (record ->> 'erasureRequested') = 'true';
CREATE INDEX conversations_customer ON conversations (customer_id);

-- +goose Down
DROP INDEX conversations_customer;
DROP INDEX conversations_erasure;
DROP INDEX conversations_queue_ended;
DROP INDEX conversations_ended;
DROP TABLE erased_counts;
DROP TABLE contacts;
