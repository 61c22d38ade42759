-- +goose Up
-- A chat's pending invitation of another agent (R10), as JSON, NULL when
-- none; its current invitee beside it, for "the conversations of agent X".
ALTER TABLE conversations ADD COLUMN invitation TEXT;
ALTER TABLE conversations ADD COLUMN invitation_agent_id TEXT;

-- +goose Down
ALTER TABLE conversations DROP COLUMN invitation_agent_id;
ALTER TABLE conversations DROP COLUMN invitation;
