-- Agents sign in through the organisation's OpenID provider (issue 18):
-- a sign-in that has been started and waits for the provider's answer,
-- found by its state, used once. Its PKCE verifier and nonce never leave
-- the server. Any node may receive the answer.

-- +goose Up
CREATE TABLE sso_logins (
    state      TEXT PRIMARY KEY,
    verifier   TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX sso_logins_created ON sso_logins (created_at);

-- +goose Down
DROP TABLE sso_logins;
