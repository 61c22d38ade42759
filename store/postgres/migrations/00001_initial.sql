-- The first schema of Skranke's PostgreSQL store.
--
-- Tables live in the schema the store was opened with (search_path is set
-- on every connection), so one database can hold several Skranke stores,
-- as the tests do.
--
-- Times are BIGINT Unix nanoseconds in UTC (NULL for "no time"), as in the
-- SQLite store: timestamptz keeps only microseconds, and the store contract
-- keeps times exactly. Identifiers are opaque ASCII and compare byte-wise
-- (COLLATE "C"), so their order, which decides the order rows are locked
-- in, is the same on every node and every database.

-- +goose Up
CREATE TABLE queues (
    id   TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE profiles (
    id   TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL
);

-- A profile's queues, in the order they were given.
CREATE TABLE profile_queues (
    profile_id TEXT COLLATE "C" NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    queue_id   TEXT COLLATE "C" NOT NULL REFERENCES queues (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (profile_id, queue_id)
);

CREATE TABLE users (
    id            TEXT COLLATE "C" PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    capacity      INTEGER NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE customers (
    id         TEXT COLLATE "C" PRIMARY KEY,
    token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE agent_states (
    user_id    TEXT COLLATE "C" PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    status     TEXT   NOT NULL CHECK (status IN ('ready', 'paused')),
    profile_id TEXT COLLATE "C" REFERENCES profiles (id),
    updated_at BIGINT NOT NULL
);

-- The current state of each conversation: the fold of its events by
-- chat.Conversation.Apply, updated in the transaction that appends them.
-- Writers lock the row (SELECT … FOR UPDATE) before they read last_seq, so
-- the appends of all nodes to one conversation are serialised by it.
--
-- The open offer lives in the offer_* columns of this row, not in a table
-- of its own: one row can hold one offer, so the database itself makes two
-- open offers for one chat impossible, whatever a router on any node does.
-- The CHECK keeps the three columns together: an offer is all of them or
-- none, never half of one.
--
-- The pending invitation of another agent (R10) is kept the same way, one
-- per row, as JSON (chat.Invitation), NULL when none; its current invitee
-- stands beside it, for "the conversations of agent X", and a CHECK keeps
-- the two in agreement.
CREATE TABLE conversations (
    id               TEXT COLLATE "C" PRIMARY KEY,
    ord              BIGINT GENERATED ALWAYS AS IDENTITY, -- breaks ties of "oldest first"
    queue_id         TEXT COLLATE "C" NOT NULL REFERENCES queues (id),
    customer_id      TEXT COLLATE "C" NOT NULL REFERENCES customers (id),
    customer_name    TEXT     NOT NULL,
    status           TEXT     NOT NULL CHECK (status IN ('waiting', 'active', 'ended')),
    agents           TEXT[]   NOT NULL DEFAULT '{}',
    declined         TEXT[]   NOT NULL DEFAULT '{}',
    offer_agent_id   TEXT COLLATE "C", -- NULL when no offer is open
    offer_offered_at BIGINT,
    offer_expires_at BIGINT,
    priority         INTEGER  NOT NULL,
    queued_at        BIGINT   NOT NULL,
    created_at       BIGINT   NOT NULL,
    ended_at         BIGINT,
    last_seq         BIGINT   NOT NULL CHECK (last_seq >= 1),
    invitation          JSONB,
    invitation_agent_id TEXT COLLATE "C",
    CONSTRAINT conversations_one_offer CHECK (
        (offer_agent_id IS NULL AND offer_offered_at IS NULL AND offer_expires_at IS NULL) OR
        (offer_agent_id IS NOT NULL AND offer_offered_at IS NOT NULL AND offer_expires_at IS NOT NULL)),
    CONSTRAINT conversations_invitee CHECK (
        invitation_agent_id IS NOT DISTINCT FROM NULLIF(invitation ->> 'agentId', ''))
);
-- One open conversation per customer, however many requests race on
-- however many nodes.
CREATE UNIQUE INDEX conversations_open_customer ON conversations (customer_id) WHERE status <> 'ended';
CREATE INDEX conversations_status ON conversations (status, created_at);
CREATE INDEX conversations_created_at ON conversations (created_at, ord);
CREATE INDEX conversations_offer_agent_id ON conversations (offer_agent_id) WHERE offer_agent_id IS NOT NULL;
CREATE INDEX conversations_invitation_agent_id ON conversations (invitation_agent_id) WHERE invitation_agent_id IS NOT NULL;
CREATE INDEX conversations_agents ON conversations USING GIN (agents);

-- The log. Unused fields of a kind are '' (text) or NULL (times).
CREATE TABLE events (
    conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations (id),
    seq             BIGINT NOT NULL CHECK (seq >= 1),
    time            BIGINT NOT NULL,
    kind            TEXT   NOT NULL,
    visibility      TEXT   NOT NULL,
    author_role     TEXT   NOT NULL,
    author_id       TEXT COLLATE "C" NOT NULL,
    author_name     TEXT   NOT NULL,
    client_msg_id   TEXT COLLATE "C" NOT NULL,
    text            TEXT   NOT NULL,
    queue_id        TEXT COLLATE "C" NOT NULL,
    agent_id        TEXT COLLATE "C" NOT NULL,
    agent_name      TEXT   NOT NULL,
    reason          TEXT   NOT NULL,
    expires_at      BIGINT,
    PRIMARY KEY (conversation_id, seq)
);
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
