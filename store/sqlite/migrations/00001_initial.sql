-- The first schema of Skranke's SQLite store.
--
-- Times are INTEGER Unix nanoseconds in UTC (NULL for "no time"), so they
-- round-trip exactly and compare as numbers. Lists inside a conversation row
-- (agents, declined) are JSON arrays of user ids.

-- +goose Up
CREATE TABLE queues (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE profiles (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

-- A profile's queues, in the order they were given.
CREATE TABLE profile_queues (
    profile_id TEXT    NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    queue_id   TEXT    NOT NULL REFERENCES queues (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (profile_id, queue_id)
);

CREATE TABLE users (
    id            TEXT    PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    capacity      INTEGER NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE customers (
    id         TEXT    PRIMARY KEY,
    token_hash TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE agent_states (
    user_id    TEXT    PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    status     TEXT    NOT NULL,
    profile_id TEXT    REFERENCES profiles (id),
    updated_at INTEGER NOT NULL
);

-- The current state of each conversation: the fold of its events by
-- chat.Conversation.Apply, updated in the transaction that appends them.
CREATE TABLE conversations (
    id               TEXT    PRIMARY KEY, -- the implicit rowid breaks ties of "oldest first"
    queue_id         TEXT    NOT NULL REFERENCES queues (id),
    customer_id      TEXT    NOT NULL REFERENCES customers (id),
    customer_name    TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    agents           TEXT    NOT NULL DEFAULT '[]',
    declined         TEXT    NOT NULL DEFAULT '[]',
    offer_agent_id   TEXT,             -- NULL when no offer is open
    offer_offered_at INTEGER,
    offer_expires_at INTEGER,
    priority         INTEGER NOT NULL,
    queued_at        INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    ended_at         INTEGER,
    last_seq         INTEGER NOT NULL
);
-- One open conversation per customer, however many requests race.
CREATE UNIQUE INDEX conversations_open_customer ON conversations (customer_id) WHERE status <> 'ended';
CREATE INDEX conversations_status ON conversations (status, created_at);
CREATE INDEX conversations_created_at ON conversations (created_at);

-- The log. Unused fields of a kind are '' (text) or NULL (times).
CREATE TABLE events (
    conversation_id TEXT    NOT NULL REFERENCES conversations (id),
    seq             INTEGER NOT NULL,
    time            INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    visibility      TEXT    NOT NULL,
    author_role     TEXT    NOT NULL,
    author_id       TEXT    NOT NULL,
    author_name     TEXT    NOT NULL,
    client_msg_id   TEXT    NOT NULL,
    text            TEXT    NOT NULL,
    queue_id        TEXT    NOT NULL,
    agent_id        TEXT    NOT NULL,
    agent_name      TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    expires_at      INTEGER,
    PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
-- A message retried with the same client message id is stored once.
CREATE UNIQUE INDEX events_client_msg_id ON events (conversation_id, author_id, client_msg_id) WHERE client_msg_id <> '';

-- +goose Down
DROP TABLE events;
DROP TABLE conversations;
DROP TABLE agent_states;
DROP TABLE customers;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE profile_queues;
DROP TABLE profiles;
DROP TABLE queues;
