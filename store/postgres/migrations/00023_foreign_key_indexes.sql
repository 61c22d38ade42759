-- Each foreign key's columns begin an index of their table: deleting a
-- parent (a queue, a profile, a user, a customer) looks its children up
-- instead of reading their table (store/sqlite TestForeignKeys_indexed).

-- +goose Up
CREATE INDEX profile_queues_queue ON profile_queues (queue_id);
CREATE INDEX agent_states_profile ON agent_states (profile_id);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE INDEX oidc_logins_customer ON oidc_logins (customer_id);

-- +goose Down
DROP INDEX oidc_logins_customer;
DROP INDEX api_tokens_user;
DROP INDEX agent_states_profile;
DROP INDEX profile_queues_queue;
