// The administration's REST API (docs/protocol.md, "Administration"), as the
// admin pages use it. Every update names the version of the record it was
// made from; a stale one fails with reason stale_version.

import { apiRequest } from '../common/rest';
import type { ChatEvent, Conversation, ConversationStatus, Participant, Visibility } from '../common/protocol';
import type { AgentState, AgentStatus, Profile, QueueInfoLike, Role, User } from './types';
import type { MenuOption, PredefinedMessage, PredefinedScope, SavedMenu } from '../common/protocol';
import type { SSORole } from './sso';

/** ApiFn sends one JSON request; tests pass a fake. */
export type ApiFn = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export type { AgentState };

export interface Presence {
  status: AgentStatus;
  profileId?: string;
  load: number;
}

export interface WeeklyHours {
  day: string;
  open: string;
  close: string;
}

export interface HoursException {
  date: string;
  open?: string;
  close?: string;
  note?: string;
}

export interface OpeningHours {
  timeZone: string;
  weekly: WeeklyHours[] | null;
  exceptions: HoursException[] | null;
}

export interface Queue {
  id: string;
  name: string;
  offerTimeoutSeconds: number;
  priority: number;
  waitingText: string;
  closedText: string;
  hours: OpeningHours | null;
  version: number;
}

export interface OpenState {
  open: boolean;
  until?: string;
}

export interface WidgetSettings {
  title: string;
  greeting: string;
  color: string;
  textColor: string;
  queues: string[];
  fixedQueue?: string;
  language: string;
  showPosition: boolean;
  version: number;
  updatedAt?: string;
}

export type Scope = 'read' | 'write' | 'admin';

export interface APIToken {
  id: string;
  name: string;
  scope: Scope;
  prefix: string;
  userId: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export type IdentityAlg = 'HS256' | 'ES256' | 'EdDSA' | 'RS256';

/** IdentityKey is a key identity tokens are signed with (never its secret). */
export interface IdentityKey {
  kid: string;
  alg: IdentityAlg;
  publicKey?: string;
  createdAt: string;
  revokedAt?: string;
}

/** AgentSSO is how staff sign in through the organisation's identity provider (never its client secret). */
export interface AgentSSO {
  name: string;
  issuer: string;
  clientId: string;
  scopes: string[];
  usernameClaim: string;
  groupsClaim: string;
  roles: SSORole[];
  defaultRole?: Role | '';
  defaultProfiles: string[];
  createUsers: boolean;
  passwordLoginOff: boolean;
  breakGlass?: string;
  version: number;
  updatedAt?: string;
}

/** Identity is how the organisation vouches for its customers (R6). */
export interface Identity {
  audience: string;
  maxLifetimeSeconds: number;
  claims: { claim: string; label: string }[];
  keys: IdentityKey[];
  version: number;
}

export interface AuditEntry {
  id: number;
  time: string;
  actor: { userId?: string; name: string; tokenId?: string };
  action: string;
  target: { kind: string; id: string; name?: string };
  before?: unknown;
  after?: unknown;
}

export interface AuditFilter {
  targetKind?: string;
  actorId?: string;
  from?: string;
  to?: string;
  before?: number;
  limit?: number;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  capacity: number;
  profiles: string[];
  password: string;
}

export interface ProfileAgent {
  id: string;
  displayName: string;
  status: AgentStatus;
}

export interface Me {
  user: User;
  state?: AgentState;
  queues?: QueueInfoLike[];
}

/** ChatLogFilter selects chats of the chat log (docs/protocol.md, "The organisation's chat log"); empty fields do not filter. */
export interface ChatLogFilter {
  q?: string;
  queue?: string;
  agent?: string;
  status?: ConversationStatus | '';
  endedBy?: 'customer' | 'agent' | 'system' | '';
  /** 'true': with private notes, 'false': without. */
  private?: 'true' | 'false' | '';
  /** RFC 3339 times: created at or after from, before to. */
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

/** ChatSummary is what the log says of a chat as a whole. */
export interface ChatSummary {
  answeredAt?: string;
  endedBy?: 'customer' | 'agent' | 'system';
  endReason?: string;
  messages: number;
  private: number;
  erasureRequested?: boolean;
}

/** Evaluation is a supervisor's or administrator's score (1–5) and note of an ended chat. */
export interface Evaluation {
  conversationId: string;
  score: number;
  note: string;
  author: Participant;
  updatedAt: string;
  version: number;
}

/** TextPart is a piece of a found message; hit marks the words searched for. */
export interface TextPart {
  text: string;
  hit?: boolean;
}

/** ChatHit is a message or note that matches the search. */
export interface ChatHit {
  seq: number;
  time: string;
  visibility: Visibility;
  author: Participant;
  parts: TextPart[];
}

/** ChatLogItem is one chat of the chat log's list. */
export interface ChatLogItem {
  id: string;
  queueId: string;
  customerName?: string;
  /** the number a customer without a name goes by ("Visitor 4821"). */
  visitor?: string;
  status: ConversationStatus;
  createdAt: string;
  endedAt?: string;
  record: ChatSummary;
  waitSeconds?: number;
  handlingSeconds?: number;
  evaluation?: Evaluation;
  hits?: ChatHit[];
}

/** Participation is one agent's part in a chat. */
export interface Participation {
  conversationId: string;
  agentId: string;
  state: 'offered' | 'invited' | 'joined' | 'gone';
  firstAt: string;
  joinedAt?: string;
  leftAt?: string;
}

/** ChatRecordConversation is a chat's state as its record gives it. */
export type ChatRecordConversation = Conversation & { record: ChatSummary };

/** ChatRecord is one chat in full: its whole log in the agent view. */
export interface ChatRecord {
  conversation: ChatRecordConversation;
  events: ChatEvent[];
  participations: Participation[];
  evaluation?: Evaluation;
}

/** Privacy is how long chats are kept, and whether customers may ask for erasure. */
export interface Privacy {
  retentionDays: number;
  queueRetentionDays: Record<string, number>;
  customerErasure: boolean;
  /** the transcript goes to the customer's verified e-mail when a chat ends. */
  autoTranscript: boolean;
  autoTranscriptSince?: string;
  version: number;
  updatedAt?: string;
}

/** EraseRequest names the chats to erase: exactly one field. */
export type EraseRequest = { conversationId: string } | { customerId: string } | { email: string } | { verifiedId: string };

/** ErasedCount is what remains of deleted chats, by day, queue and reason. */
export interface ErasedCount {
  day: string;
  queueId: string;
  reason: 'retention' | 'request';
  conversations: number;
  answered: number;
  messages: number;
}

/** OutboxJob is an e-mail the server sends (a transcript): waiting, sent or given up. */
export interface OutboxJob {
  id: string;
  kind: string;
  conversationId?: string;
  attempts: number;
  nextAt: string;
  createdAt: string;
  doneAt?: string;
  failedAt?: string;
  lastError?: string;
}

const enc = encodeURIComponent;

/** query makes a query string of the fields that are set. */
export function query(f: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** chatLogCSV is the address of the CSV export of the chats a filter selects (every page). */
export function chatLogCSV(f: ChatLogFilter): string {
  return `/api/v1/chatlog.csv${query({ ...f, cursor: undefined, limit: undefined })}`;
}

/** chatExport is the address of one chat's JSON export. */
export function chatExport(id: string): string {
  return `/api/v1/chatlog/${enc(id)}/export`;
}

/** chatFile is the address of a chat's file, or of its thumbnail, for a reader of the chat log. */
export function chatFile(conversationId: string, id: string, thumbnail = false): string {
  return `/api/v1/conversations/${enc(conversationId)}/attachments/${enc(id)}${thumbnail ? '/thumbnail' : ''}`;
}

export type WebhookType = 'chat.started' | 'chat.offered' | 'chat.accepted' | 'chat.ended' | 'message.sent' | 'chat.transferred' | 'transcript.sent';

export interface Webhook {
  id: string;
  url: string;
  description: string;
  events: WebhookType[];
  includePrivate: boolean;
  allowInsecure: boolean;
  pausedAt?: string;
  pausedReason?: 'administrator' | 'failing';
  failures: number;
  failingSince?: string;
  createdAt: string;
  version: number;
}

export interface NewWebhook {
  url: string;
  description: string;
  events: WebhookType[];
  includePrivate: boolean;
  allowInsecure: boolean;
}

export interface WebhookDelivery {
  id: number;
  webhookId: string;
  messageId: string;
  type: WebhookType;
  conversationId: string;
  seq?: number;
  time: string;
  status: number;
  durationMs: number;
  response: string;
  ok: boolean;
}

/** AdminApi calls the administration's routes. */
export class AdminApi {
  constructor(private readonly call: ApiFn = apiRequest) {}

  me = () => this.call<Me>('GET', '/api/v1/me');
  login = (username: string, password: string) => this.call<{ user: User }>('POST', '/api/v1/login', { username, password });
  logout = () => this.call<void>('POST', '/api/v1/logout');
  setupState = () => this.call<{ pending: boolean }>('GET', '/api/v1/setup');
  setup = (body: { secret: string; username: string; displayName: string; password: string }) =>
    this.call<{ user: User }>('POST', '/api/v1/setup', body);

  users = () => this.call<{ users: User[]; online: Record<string, Presence> }>('GET', '/api/v1/admin/users');
  createUser = (u: NewUser) => this.call<{ user: User }>('POST', '/api/v1/admin/users', u);
  updateUser = (id: string, upd: Record<string, unknown> & { version: number }) =>
    this.call<{ user: User }>('PATCH', `/api/v1/admin/users/${enc(id)}`, upd);
  deleteUser = (id: string, version: number) => this.call<void>('DELETE', `/api/v1/admin/users/${enc(id)}?version=${version}`);
  setPassword = (id: string, password: string) => this.call<void>('POST', `/api/v1/admin/users/${enc(id)}/password`, { password });

  queues = () => this.call<{ queues: Queue[]; open: Record<string, OpenState> }>('GET', '/api/v1/admin/queues');
  createQueue = (q: Omit<Queue, 'version' | 'hours'>) => this.call<{ queue: Queue }>('POST', '/api/v1/admin/queues', q);
  updateQueue = (id: string, upd: Record<string, unknown> & { version: number }) =>
    this.call<{ queue: Queue }>('PATCH', `/api/v1/admin/queues/${enc(id)}`, upd);
  setHours = (id: string, version: number, hours: OpeningHours | null) =>
    this.call<{ queue: Queue }>('PUT', `/api/v1/admin/queues/${enc(id)}/hours`, { version, hours });
  removeQueue = (id: string, version: number) => this.call<void>('DELETE', `/api/v1/admin/queues/${enc(id)}?version=${version}`);

  profiles = () => this.call<{ profiles: Profile[]; inUse: Record<string, ProfileAgent[]> }>('GET', '/api/v1/admin/profiles');
  createProfile = (p: { id: string; name: string; queues: string[] }) => this.call<{ profile: Profile }>('POST', '/api/v1/admin/profiles', p);
  updateProfile = (id: string, upd: Record<string, unknown> & { version: number }) =>
    this.call<{ profile: Profile }>('PATCH', `/api/v1/admin/profiles/${enc(id)}`, upd);
  deleteProfile = (id: string, version: number) => this.call<void>('DELETE', `/api/v1/admin/profiles/${enc(id)}?version=${version}`);

  predefined = () => this.call<{ messages: PredefinedMessage[] }>('GET', '/api/v1/admin/predefined-messages');
  createPredefined = (m: PredefinedInput) => this.call<{ message: PredefinedMessage }>('POST', '/api/v1/admin/predefined-messages', m);
  updatePredefined = (id: string, upd: Partial<PredefinedInput> & { version: number }) =>
    this.call<{ message: PredefinedMessage }>('PATCH', `/api/v1/admin/predefined-messages/${enc(id)}`, upd);
  deletePredefined = (id: string, version: number) => this.call<void>('DELETE', `/api/v1/admin/predefined-messages/${enc(id)}?version=${version}`);

  savedMenus = () => this.call<{ menus: SavedMenu[] }>('GET', '/api/v1/admin/menus');
  createSavedMenu = (m: SavedMenuInput) => this.call<{ menu: SavedMenu }>('POST', '/api/v1/admin/menus', m);
  updateSavedMenu = (id: string, upd: Partial<SavedMenuInput> & { version: number }) =>
    this.call<{ menu: SavedMenu }>('PATCH', `/api/v1/admin/menus/${enc(id)}`, upd);
  deleteSavedMenu = (id: string, version: number) => this.call<void>('DELETE', `/api/v1/admin/menus/${enc(id)}?version=${version}`);

  widget = () => this.call<{ widget: WidgetSettings }>('GET', '/api/v1/admin/widget');
  updateWidget = (upd: Partial<WidgetSettings> & { version: number }) => this.call<{ widget: WidgetSettings }>('PATCH', '/api/v1/admin/widget', upd);

  tokens = () => this.call<{ tokens: APIToken[] }>('GET', '/api/v1/admin/tokens');
  createToken = (name: string, scope: Scope) => this.call<{ token: string; apiToken: APIToken }>('POST', '/api/v1/admin/tokens', { name, scope });
  identity = () => this.call<{ identity: Identity }>('GET', '/api/v1/admin/identity');
  sso = () => this.call<{ sso: AgentSSO }>('GET', '/api/v1/admin/sso');
  updateSSO = (upd: Partial<AgentSSO> & { version: number; clientSecret?: string }) => this.call<{ sso: AgentSSO }>('PATCH', '/api/v1/admin/sso', upd);
  addIdentityKey = (kid: string, alg: IdentityAlg, publicKey: string) =>
    this.call<{ key: IdentityKey; secret?: string }>('POST', '/api/v1/admin/identity/keys', { kid, alg, publicKey });
  revokeIdentityKey = (kid: string) => this.call<{ key: IdentityKey }>('DELETE', `/api/v1/admin/identity/keys/${enc(kid)}`);
  revokeToken = (id: string) => this.call<{ apiToken: APIToken }>('DELETE', `/api/v1/admin/tokens/${enc(id)}`);

  webhooks = () => this.call<{ webhooks: Webhook[]; events: WebhookType[] }>('GET', '/api/v1/admin/webhooks');
  createWebhook = (w: NewWebhook) => this.call<{ webhook: Webhook; secret: string }>('POST', '/api/v1/admin/webhooks', w);
  updateWebhook = (id: string, upd: Record<string, unknown> & { version: number }) =>
    this.call<{ webhook: Webhook }>('PATCH', `/api/v1/admin/webhooks/${enc(id)}`, upd);
  rotateWebhook = (id: string) => this.call<{ webhook: Webhook; secret: string }>('POST', `/api/v1/admin/webhooks/${enc(id)}/secret`);
  deleteWebhook = (id: string) => this.call<void>('DELETE', `/api/v1/admin/webhooks/${enc(id)}`);
  webhookDeliveries = (id: string) => this.call<{ deliveries: WebhookDelivery[] }>('GET', `/api/v1/admin/webhooks/${enc(id)}/deliveries`);
  resendWebhook = (id: string, delivery: number) =>
    this.call<{ queued: boolean }>('POST', `/api/v1/admin/webhooks/${enc(id)}/deliveries/${delivery}/resend`);

  audit = (f: AuditFilter) => this.call<{ entries: AuditEntry[]; next: number }>('GET', `/api/v1/admin/audit${query(f)}`);

  chatLog = (f: ChatLogFilter) => this.call<{ items: ChatLogItem[]; next?: string }>('GET', `/api/v1/chatlog${query(f)}`);
  chatRecord = (id: string) => this.call<ChatRecord>('GET', `/api/v1/chatlog/${enc(id)}`);
  evaluate = (id: string, e: { score: number; note: string; version: number }) =>
    this.call<{ evaluation: Evaluation }>('PUT', `/api/v1/chatlog/${enc(id)}/evaluation`, e);

  privacy = () => this.call<{ privacy: Privacy }>('GET', '/api/v1/admin/privacy');
  updatePrivacy = (upd: Partial<Omit<Privacy, 'updatedAt'>> & { version: number }) => this.call<{ privacy: Privacy }>('PATCH', '/api/v1/admin/privacy', upd);
  erase = (r: EraseRequest) => this.call<{ deleted: string[]; open: string[] }>('POST', '/api/v1/erasures', r);
  outbox = (failed: boolean) => this.call<{ jobs: OutboxJob[] | null }>('GET', `/api/v1/outbox${failed ? '?failed=true' : ''}`);
  erasures = () => this.call<{ counts: ErasedCount[] }>('GET', '/api/v1/erasures');
}

/** PredefinedInput is what the administrator sets of a predefined message (R8). */
export interface PredefinedInput {
  title: string;
  text: string;
  category: string;
  scope: PredefinedScope;
  queues: string[];
  profiles: string[];
}

/** SavedMenuInput is what the administrator sets of a saved menu (R9). */
export interface SavedMenuInput {
  name: string;
  question: string;
  options: MenuOption[] | { label: string }[];
}
