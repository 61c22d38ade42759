// The administration's REST API (docs/protocol.md, "Administration"), as the
// admin pages use it. Every update names the version of the record it was
// made from; a stale one fails with reason stale_version.

import { apiRequest } from '../common/rest';
import type { AgentState, AgentStatus, Profile, QueueInfoLike, Role, User } from './types';

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

const enc = encodeURIComponent;

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

  widget = () => this.call<{ widget: WidgetSettings }>('GET', '/api/v1/admin/widget');
  updateWidget = (upd: Partial<WidgetSettings> & { version: number }) => this.call<{ widget: WidgetSettings }>('PATCH', '/api/v1/admin/widget', upd);

  tokens = () => this.call<{ tokens: APIToken[] }>('GET', '/api/v1/admin/tokens');
  createToken = (name: string, scope: Scope) => this.call<{ token: string; apiToken: APIToken }>('POST', '/api/v1/admin/tokens', { name, scope });
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

  audit = (f: AuditFilter) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') q.set(k, String(v));
    return this.call<{ entries: AuditEntry[]; next: number }>('GET', `/api/v1/admin/audit?${q}`);
  };
}
