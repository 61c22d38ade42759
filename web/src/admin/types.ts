// Types the admin pages share with the other surfaces (common/protocol.ts).

export type { AgentState, AgentStatus, Profile, Role, User } from '../common/protocol';
export type { Queue as QueueInfoLike } from '../common/protocol';
