-- Administration (R20): every directory record gets a version, for
-- optimistic concurrency (an update names the version it was made from);
-- queues get their offer timeout, priority, texts and opening hours, and are
-- removed by marking them (chats keep their queue); users are deactivated
-- rather than deleted and have the profiles they may use. Beside them: the
-- organisation-wide settings (the widget's, the first-run set-up secret),
-- API tokens and the audit log of every administrative change.
--
-- Directory changes of all nodes are serialised by a transaction-level
-- advisory lock (see directory.go), so versions, the last administrator
-- and the set-up secret need no row locks of their own.
--
-- Existing users may use every existing profile, as they could before.

-- +goose Up
ALTER TABLE queues
    ADD COLUMN offer_timeout INTEGER NOT NULL DEFAULT 0, -- seconds; 0: the server's default
    ADD COLUMN priority      INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN waiting_text  TEXT    NOT NULL DEFAULT '',
    ADD COLUMN closed_text   TEXT    NOT NULL DEFAULT '',
    ADD COLUMN hours         JSONB,                      -- chat.OpeningHours; NULL: always open
    ADD COLUMN removed_at    BIGINT,
    ADD COLUMN version       BIGINT  NOT NULL DEFAULT 1;
ALTER TABLE profiles ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users
    ADD COLUMN deactivated_at BIGINT,
    ADD COLUMN version        BIGINT NOT NULL DEFAULT 1;

-- The profiles a user may work in, in the order the desktop lists them.
CREATE TABLE user_profiles (
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    profile_id TEXT COLLATE "C" NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (user_id, profile_id)
);
CREATE INDEX user_profiles_profile ON user_profiles (profile_id);
INSERT INTO user_profiles (user_id, profile_id, position)
SELECT u.id, p.id, row_number() OVER (PARTITION BY u.id ORDER BY p.name COLLATE "C", p.id)
FROM users u CROSS JOIN profiles p;

-- Organisation-wide settings, one JSON value per key ('widget', 'setup').
CREATE TABLE settings (
    key        TEXT COLLATE "C" PRIMARY KEY,
    value      JSONB  NOT NULL,
    version    BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- API tokens: only the SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    id           TEXT COLLATE "C" PRIMARY KEY,
    name         TEXT   NOT NULL,
    scope        TEXT   NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
    prefix       TEXT   NOT NULL,
    token_hash   TEXT COLLATE "C" NOT NULL UNIQUE,
    user_id      TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);

-- Every administrative change, written in the transaction of the change.
CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time        BIGINT NOT NULL,
    actor_id    TEXT COLLATE "C" NOT NULL, -- '' for the server itself
    actor_name  TEXT   NOT NULL,
    token_id    TEXT COLLATE "C" NOT NULL, -- '' unless made with an API token
    action      TEXT   NOT NULL,
    target_kind TEXT   NOT NULL,
    target_id   TEXT COLLATE "C" NOT NULL,
    target_name TEXT   NOT NULL,
    before      JSONB,                     -- the record; NULL before a creation
    after       JSONB                      -- NULL after a deletion
);
CREATE INDEX audit_log_target ON audit_log (target_kind, target_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id);
CREATE INDEX audit_log_time ON audit_log (time);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE settings;
DROP TABLE user_profiles;
ALTER TABLE users DROP COLUMN version, DROP COLUMN deactivated_at;
ALTER TABLE profiles DROP COLUMN version;
ALTER TABLE queues DROP COLUMN version, DROP COLUMN removed_at, DROP COLUMN hours, DROP COLUMN closed_text,
    DROP COLUMN waiting_text, DROP COLUMN priority, DROP COLUMN offer_timeout;
