-- Administration (R20): every directory record gets a version, for
-- optimistic concurrency (an update names the version it was made from);
-- queues get their offer timeout, priority, texts and opening hours, and are
-- removed by marking them (chats keep their queue); users are deactivated
-- rather than deleted and have the profiles they may use. Beside them: the
-- organisation-wide settings (the widget's, the first-run set-up secret),
-- API tokens and the audit log of every administrative change.
--
-- Existing users may use every existing profile, as they could before.

-- +goose Up
ALTER TABLE queues ADD COLUMN offer_timeout INTEGER NOT NULL DEFAULT 0; -- seconds; 0: the server's default
ALTER TABLE queues ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queues ADD COLUMN waiting_text TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN closed_text TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN hours TEXT; -- JSON (chat.OpeningHours); NULL: always open
ALTER TABLE queues ADD COLUMN removed_at INTEGER;
ALTER TABLE queues ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE profiles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN deactivated_at INTEGER;
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- The profiles a user may work in, in the order the desktop lists them.
CREATE TABLE user_profiles (
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    profile_id TEXT    NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (user_id, profile_id)
) WITHOUT ROWID;
CREATE INDEX user_profiles_profile ON user_profiles (profile_id);
INSERT INTO user_profiles (user_id, profile_id, position)
SELECT u.id, p.id, ROW_NUMBER() OVER (PARTITION BY u.id ORDER BY p.name, p.id)
FROM users u CROSS JOIN profiles p;

-- Organisation-wide settings, one JSON value per key ('widget', 'setup').
CREATE TABLE settings (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- API tokens: only the SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    id           TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL,
    scope        TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);

-- Every administrative change, written in the transaction of the change.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    time        INTEGER NOT NULL,
    actor_id    TEXT    NOT NULL, -- '' for the server itself
    actor_name  TEXT    NOT NULL,
    token_id    TEXT    NOT NULL, -- '' unless made with an API token
    action      TEXT    NOT NULL,
    target_kind TEXT    NOT NULL,
    target_id   TEXT    NOT NULL,
    target_name TEXT    NOT NULL,
    before      TEXT,             -- JSON of the record; NULL before a creation
    after       TEXT              -- NULL after a deletion
);
CREATE INDEX audit_log_target ON audit_log (target_kind, target_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id);
CREATE INDEX audit_log_time ON audit_log (time);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE settings;
DROP TABLE user_profiles;
ALTER TABLE users DROP COLUMN version;
ALTER TABLE users DROP COLUMN deactivated_at;
ALTER TABLE profiles DROP COLUMN version;
ALTER TABLE queues DROP COLUMN version;
ALTER TABLE queues DROP COLUMN removed_at;
ALTER TABLE queues DROP COLUMN hours;
ALTER TABLE queues DROP COLUMN closed_text;
ALTER TABLE queues DROP COLUMN waiting_text;
ALTER TABLE queues DROP COLUMN priority;
ALTER TABLE queues DROP COLUMN offer_timeout;
