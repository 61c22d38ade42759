// AgentClient connects the desktop's state (state.ts) to the server: the
// agent WebSocket (through the reconnecting Socket) and the REST API. The UI
// reads `state`, subscribes to changes and calls the methods below; it never
// talks to the server itself.
//
// Own messages stay pending in the state until their event is in the log.
// The Socket resends requests that were waiting when a connection dropped;
// the ones it gave up on (timeouts, a socket closed for good) are sent again
// here, with the same clientMsgId, after the next welcome, so the server
// stores each message once.

import { RequestError, Socket, newId, wsURL } from '../common/socket';
import type { SocketOptions } from '../common/socket';
import { ApiRequestError, apiRequest } from '../common/rest';
import { clientReasons, errorText, type ReasonTexts } from '../common/errors';
import type {
  PredefinedText,
  SavedMenu,
  AckFrame,
  AttachmentRef,
  AgentState as ServerAgentState,
  AgentStatus,
  AgentWelcome,
  AgentsResponse,
  ChatEvent,
  Conversation,
  Profile,
  Queue,
  User,
} from '../common/protocol';
import { initialState, reduce, resumeMap } from './state';
import type { Action, DesktopState } from './state';

/** The part of Socket the client uses; tests pass a fake. */
export interface SocketLike {
  start(): void;
  stop(): void;
  send(frame: object): void;
  request(frame: Record<string, unknown>): Promise<AckFrame>;
  reconnectNow?(): void;
}

/** The REST call the client uses; tests pass a fake. */
export type ApiFn = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export interface ClientOptions {
  createSocket?: (opts: SocketOptions) => SocketLike;
  api?: ApiFn;
  now?: () => number;
  /** The desktop's texts for server errors in the agent's language (texts.ts, reasonTexts); the server's English otherwise. */
  reasons?: ReasonTexts;
}

/** MeResponse is the body of GET /api/v1/me. */
export interface MeResponse {
  user: User;
  state?: ServerAgentState;
  profiles?: Profile[];
  queues?: Queue[];
}

/** Typing frames go out at most this often per chat. */
export const typingEveryMs = 2000;

/** InviteTarget is whom to invite: a named agent, or any available agent of a queue. */
export type InviteTarget = { agentId: string } | { queueId: string };

function typingKey(id: string, priv: boolean): string {
  return priv ? `${id} private` : id;
}

function errorCode(err: unknown): string | undefined {
  if (err instanceof RequestError || err instanceof ApiRequestError) return err.code;
  return undefined;
}

export class AgentClient {
  state: DesktopState = initialState();
  /** The texts for server errors, by reason (ClientOptions.reasons). */
  reasons: ReasonTexts;
  /** Called when the session is gone (close 4001): show the login form. */
  onUnauthenticated?: () => void;

  private readonly listeners = new Set<() => void>();
  private socket?: SocketLike;
  /** clientMsgIds with a request outstanding on the current socket. */
  private inflight = new Set<string>();
  private loading = new Set<string>();
  private lastTyping = new Map<string, number>();
  private retryTimer?: ReturnType<typeof setTimeout>;
  private queueTimer?: ReturnType<typeof setTimeout>;
  private refreshing = false;
  private refreshAgain = false;
  private readonly createSocket: (opts: SocketOptions) => SocketLike;
  private readonly api: ApiFn;
  private readonly now: () => number;

  constructor(opts: ClientOptions = {}) {
    this.createSocket = opts.createSocket ?? ((o) => new Socket(o));
    this.api = opts.api ?? apiRequest;
    this.now = opts.now ?? Date.now;
    this.reasons = opts.reasons ?? {};
  }

  /**
   * errorText is what the desktop says of a failed request or an error
   * frame: its text for the server's reason, else the server's message.
   */
  errorText(err: unknown, fallback?: string): string {
    return errorText(err, this.reasons, fallback);
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  dispatch(a: Action): void {
    const next = reduce(this.state, a);
    if (next === this.state) return;
    const queuesChanged = next.queues !== this.state.queues;
    this.state = next;
    if (queuesChanged) this.scheduleQueueRefresh();
    for (const fn of this.listeners) fn();
    this.fetchMissing();
  }

  // ---- Session.

  /** me asks who is logged in; it resolves false on 401 (show the login form). */
  async me(): Promise<boolean> {
    try {
      const me = await this.api<MeResponse>('GET', '/api/v1/me');
      this.dispatch({ type: 'me', user: me.user, state: me.state, profiles: me.profiles ?? [], queues: me.queues ?? [] });
      return true;
    } catch (err) {
      if (err instanceof ApiRequestError && err.status === 401) return false;
      throw err;
    }
  }

  /**
   * refreshMe reloads the user, profiles and queues (after a directory
   * change, or when a queue opens or closes), at most one request at a time.
   */
  refreshMe(): void {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    this.me()
      .catch(() => {
        // The next change or reconnect brings it.
      })
      .finally(() => {
        this.refreshing = false;
        if (this.refreshAgain) {
          this.refreshAgain = false;
          this.refreshMe();
        }
      });
  }

  /** scheduleQueueRefresh reloads the queues when the first of them opens or closes. */
  private scheduleQueueRefresh(): void {
    clearTimeout(this.queueTimer);
    const now = this.now();
    const next = Math.min(...this.state.queues.map((q) => (q.until ? Date.parse(q.until) : Infinity)));
    if (!Number.isFinite(next)) return;
    const wait = Math.min(Math.max(next - now + 1000, 5000), 24 * 3600 * 1000);
    this.queueTimer = setTimeout(() => this.refreshMe(), wait);
  }

  async login(username: string, password: string): Promise<void> {
    await this.api('POST', '/api/v1/login', { username, password });
  }

  async logout(): Promise<void> {
    this.stop();
    try {
      await this.api('POST', '/api/v1/logout');
    } finally {
      this.state = initialState();
      for (const fn of this.listeners) fn();
    }
  }

  /** start opens the agent WebSocket; it reconnects by itself until stop. */
  start(): void {
    this.stop();
    this.inflight = new Set();
    const socket = this.createSocket({
      url: wsURL('/ws/agent'),
      hello: () => ({ type: 'hello', resume: resumeMap(this.state) }),
      onFrame: (f) => this.onFrame(f),
      onState: (st) => this.dispatch({ type: 'connection', state: st }),
      onFatal: (code) => {
        if (this.socket !== socket) return;
        this.socket = undefined;
        this.dispatch({ type: 'connection', state: 'closed' });
        if (code === 4001) this.onUnauthenticated?.();
      },
    });
    this.socket = socket;
    socket.start();
  }

  /** reconnectNow skips the backoff wait, for example when the browser comes back online. */
  reconnectNow(): void {
    this.socket?.reconnectNow?.();
  }

  stop(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.queueTimer);
    const s = this.socket;
    this.socket = undefined;
    s?.stop();
  }

  private onFrame(f: { type: string } & Record<string, unknown>): void {
    switch (f.type) {
      case 'welcome':
        this.dispatch({ type: 'welcome', welcome: f as unknown as AgentWelcome });
        this.resendPending();
        return;
      case 'event': {
        const ev = f.event as ChatEvent | undefined;
        if (ev?.kind === 'directory_changed') {
          // An administrator changed users, profiles or queues: reload ours.
          this.refreshMe();
          return;
        }
        if (ev && typeof ev.kind === 'string') this.dispatch({ type: 'event', event: ev, now: this.now() });
        return;
      }
      case 'error':
        if (typeof f.message === 'string') this.dispatch({ type: 'notice', message: this.errorText(f) });
        return;
    }
  }

  // ---- Details of offers and chats that arrived without them.

  private fetchMissing(): void {
    for (const id of this.state.order) {
      const tab = this.state.tabs[id];
      if ((tab.detailsLoaded && !tab.stale) || this.loading.has(id)) continue;
      this.loading.add(id);
      this.api<{ conversation: Conversation; events?: ChatEvent[] }>('GET', `/api/v1/conversations/${encodeURIComponent(id)}`)
        .then((r) => this.dispatch({ type: 'loaded', conversation: r.conversation, events: r.events ?? [] }))
        .catch(() => this.dispatch({ type: 'loadFailed', id }))
        .finally(() => this.loading.delete(id));
    }
  }

  // ---- Messages.

  /**
   * sendMessage sends a chat message; it shows as pending until acknowledged.
   * In the tab's private mode it is private (R11), and stays so when resent.
   */
  sendMessage(id: string, text: string, attachments: AttachmentRef[] = []): void {
    const body = text.trim();
    const tab = this.state.tabs[id];
    if ((!body && attachments.length === 0) || !tab) return;
    const priv = tab.private;
    const clientMsgId = newId();
    this.dispatch({ type: 'sending', id, clientMsgId, text: body, time: new Date(this.now()).toISOString(), private: priv, attachments });
    this.lastTyping.delete(typingKey(id, priv));
    this.sendRequest(id, clientMsgId, body, priv, attachments);
  }

  private sendRequest(id: string, clientMsgId: string, text: string, priv: boolean | undefined, attachments: AttachmentRef[] = []): void {
    const socket = this.socket;
    if (!socket || this.inflight.has(clientMsgId)) return;
    this.inflight.add(clientMsgId);
    const frame: Record<string, unknown> = { type: 'send', conversationId: id, clientMsgId, text };
    if (priv) frame.private = true;
    if (attachments.length > 0) frame.attachmentIds = attachments.map((a) => a.id);
    socket
      .request(frame)
      .then((ack) => this.dispatch({ type: 'sent', id, clientMsgId, seq: ack.seq }))
      .catch((err: unknown) => {
        if (err instanceof RequestError && err.retryable) {
          // Stays pending; the next welcome resends it. If the socket is up
          // (the server was merely slow), try again a little later.
          clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(() => this.resendPending(), 3000);
          return;
        }
        this.dispatch({ type: 'sendFailed', id, clientMsgId, message: this.errorText(err) });
      })
      .finally(() => {
        if (this.socket === socket) this.inflight.delete(clientMsgId);
      });
  }

  private resendPending(): void {
    for (const id of this.state.order) {
      const tab = this.state.tabs[id];
      for (const p of tab.pending) {
        if (p.error || p.seq !== undefined) continue;
        this.sendRequest(id, p.clientMsgId, p.text, p.private, p.attachments);
      }
    }
  }

  /**
   * typing tells the server the agent is typing in a chat, at most every 2 s
   * per mode. In private mode it says so, or the customer would see it (R11).
   */
  typing(id: string): void {
    const tab = this.state.tabs[id];
    if (!tab) return;
    const priv = tab.private;
    const key = typingKey(id, priv);
    const now = this.now();
    const last = this.lastTyping.get(key) ?? -Infinity;
    if (now - last < typingEveryMs) return;
    this.lastTyping.set(key, now);
    this.socket?.send(priv ? { type: 'typing', conversationId: id, private: true } : { type: 'typing', conversationId: id });
  }

  /** setPrivate switches a chat's input between private (agents only) and public. */
  setPrivate(id: string, on: boolean): void {
    this.dispatch({ type: 'private', id, on });
  }

  // ---- Inviting colleagues and leaving (R10).

  /** predefined lists the predefined messages for a chat, filled in for it (R8). */
  async predefined(id: string): Promise<PredefinedText[]> {
    const res = await this.api<{ messages: PredefinedText[] }>('GET', `/api/v1/conversations/${encodeURIComponent(id)}/predefined-messages`);
    return res.messages ?? [];
  }

  /** agents lists the colleagues logged in now, and each queue's numbers. */
  agents(): Promise<AgentsResponse> {
    return this.api<AgentsResponse>('GET', '/api/v1/agents');
  }

  /**
   * invite invites a colleague into the chat. It rejects with the server's
   * message (for the invite dialog) when the invitation is refused. With
   * leaveAfter, the agent then leaves the chat and its tab closes: the chat
   * is safe, since the server requeues it if the invitation fails.
   */
  async invite(id: string, target: InviteTarget, note: string, leaveAfter: boolean): Promise<void> {
    const socket = this.socket;
    if (!socket) throw this.offline();
    const frame: Record<string, unknown> = { type: 'invite', conversationId: id, ...target };
    if (note.trim()) frame.note = note.trim();
    await socket.request(frame);
    if (leaveAfter) await this.leave(id);
  }

  /**
   * transfer hands the chat to a colleague or a queue (R18). It rejects with
   * the server's message (for the dialog) when the transfer is refused. The
   * agent stays in the chat until someone accepts it; the server then takes
   * the agent out.
   */
  async transfer(id: string, target: InviteTarget, note: string): Promise<void> {
    const socket = this.socket;
    if (!socket) throw this.offline();
    const frame: Record<string, unknown> = { type: 'transfer', conversationId: id, ...target };
    if (note.trim()) frame.note = note.trim();
    await socket.request(frame);
  }

  /**
   * sendMenu offers the customer a choice menu (R9): a question and 2 to
   * 10 options. It rejects with the server's refusal, for the dialog.
   */
  async sendMenu(id: string, question: string, options: { id?: string; label: string }[], savedMenuId?: string): Promise<void> {
    const socket = this.socket;
    if (!socket) throw this.offline();
    await socket.request({ type: 'menu', conversationId: id, clientMsgId: newId(), text: question, options, ...(savedMenuId ? { savedMenuId } : {}) });
  }

  /** createOwnPredefined keeps a predefined message of the agent's own (R8). */
  async createOwnPredefined(title: string, text: string): Promise<void> {
    await this.api('POST', '/api/v1/me/predefined-messages', { title, text });
  }

  /** deleteOwnPredefined deletes a predefined message of the agent's own. */
  async deleteOwnPredefined(id: string): Promise<void> {
    await this.api('DELETE', `/api/v1/me/predefined-messages/${encodeURIComponent(id)}`);
  }

  /** savedMenus lists the organisation's saved menus, to offer one (R9). */
  async savedMenus(): Promise<SavedMenu[]> {
    const res = await this.api<{ menus: SavedMenu[] }>('GET', '/api/v1/menus');
    return res.menus ?? [];
  }

  /** withdrawMenu takes back an unanswered menu; a menu answered meanwhile is told by its events. */
  async withdrawMenu(id: string, menuId: string): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    try {
      await socket.request({ type: 'withdraw_menu', conversationId: id, menuId });
    } catch (err) {
      if (errorCode(err) !== 'conflict') this.dispatch({ type: 'notice', message: this.errorText(err) });
    }
  }

  /** withdraw takes back the chat's pending invitation (or transfer). */
  async withdraw(id: string): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    try {
      await socket.request({ type: 'withdraw', conversationId: id });
    } catch (err) {
      // A conflict: answered or expired meanwhile; the events tell the rest.
      if (errorCode(err) !== 'conflict') this.dispatch({ type: 'notice', message: this.errorText(err) });
    }
  }

  /** leave leaves a chat, which goes on without this agent, and closes its tab once acknowledged. */
  leave(id: string): Promise<void> {
    return this.closeAfter(id, 'leave', { type: 'leaving', id }, (message) => ({ type: 'leaveFailed', id, message }));
  }

  /**
   * closeAfter sends a request that takes this agent out of a chat (end or
   * leave) and closes the tab once it is acknowledged, or at once when the
   * chat is over already. A conflict means it was over meanwhile (ended by
   * the customer, or the agent was dropped): the tab closes too.
   */
  private async closeAfter(id: string, type: 'end' | 'leave', pending: Action, failed: (message: string) => Action): Promise<void> {
    const tab = this.state.tabs[id];
    if (!tab) return;
    if (tab.over) {
      this.dispatch({ type: 'close', id });
      return;
    }
    const socket = this.socket;
    if (!socket) return;
    this.dispatch(pending);
    try {
      await socket.request({ type, conversationId: id });
      this.dispatch({ type: 'close', id });
    } catch (err) {
      if (errorCode(err) === 'conflict') this.dispatch({ type: 'close', id });
      else this.dispatch(failed(this.errorText(err)));
    }
  }

  /** offline is the error of a request that cannot go out at all. */
  private offline(): RequestError {
    return new RequestError('unavailable', clientReasons.not_connected, true, 'not_connected');
  }

  // ---- Offers and chats.

  select(id: string): void {
    this.dispatch({ type: 'select', id });
  }

  async accept(id: string): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.dispatch({ type: 'answering', id });
    try {
      await socket.request({ type: 'accept', conversationId: id });
      this.dispatch({ type: 'accepted', id });
    } catch (err) {
      const code = errorCode(err);
      if (code === 'conflict' || code === 'not_found' || code === 'forbidden') {
        this.dispatch({ type: 'offerGone', id, message: this.errorText(err) });
      } else {
        this.dispatch({ type: 'answerFailed', id, message: this.errorText(err) });
      }
    }
  }

  async reject(id: string): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.dispatch({ type: 'answering', id });
    try {
      await socket.request({ type: 'reject', conversationId: id });
      this.dispatch({ type: 'offerGone', id });
    } catch (err) {
      const code = errorCode(err);
      // A conflict means the offer is gone anyway.
      if (code === 'conflict' || code === 'not_found') this.dispatch({ type: 'offerGone', id });
      else this.dispatch({ type: 'answerFailed', id, message: this.errorText(err) });
    }
  }

  /** end ends a chat and closes its tab once the server has acknowledged. */
  end(id: string): Promise<void> {
    return this.closeAfter(id, 'end', { type: 'ending', id }, (message) => ({ type: 'endFailed', id, message }));
  }

  /**
   * closeTab is the x on a tab when no confirmation is needed: it rejects an
   * offer and closes a chat that is over. Open chats go through end.
   */
  closeTab(id: string): void {
    const tab = this.state.tabs[id];
    if (!tab) return;
    if (tab.kind === 'offer' || tab.kind === 'invitation') void this.reject(id);
    else if (tab.over) this.dispatch({ type: 'close', id });
  }

  async setStatus(status: AgentStatus, profileId: string | undefined): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    try {
      const ack = await socket.request({ type: 'status', status, profileId });
      const state = ack.state ?? { userId: this.state.me?.id ?? '', status, profileId, updatedAt: '' };
      this.dispatch({ type: 'agentState', state });
    } catch (err) {
      this.dispatch({ type: 'notice', message: this.errorText(err) });
    }
  }

  notice(message: string): void {
    this.dispatch({ type: 'notice', message });
  }

  dismiss(id: number): void {
    this.dispatch({ type: 'dismiss', id });
  }
}
