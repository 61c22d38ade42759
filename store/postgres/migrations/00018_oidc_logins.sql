-- Secure chat through the organisation's OpenID provider (R6): a customer's
-- sign-in that has been started and waits for the provider's answer, found
-- by its state, used once. Its PKCE verifier and nonce never leave the
-- server. Any node may receive the answer.

-- +goose Up
CREATE TABLE oidc_logins (
    state       TEXT COLLATE "C" PRIMARY KEY,
    customer_id TEXT COLLATE "C" NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    verifier    TEXT NOT NULL,
    nonce       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX oidc_logins_created ON oidc_logins (created_at);

-- +goose Down
DROP TABLE oidc_logins;
