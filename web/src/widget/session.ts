// ChatSession runs one customer conversation: it owns the WebSocket (via
// common/socket.ts), the outbox and the chat state, and tells its listener
// about every change. The view only renders the state and calls send, typing
// and end.
//
// Delivery (R16): send() first stores the message in the outbox, then shows
// it as "sending", then asks the socket to send it. The socket keeps requests
// made while offline and sends them after the next welcome; entries left from
// an earlier page load, or whose request timed out, are sent again by flush()
// with the same clientMsgId. An ack or the matching event marks the message
// sent and removes it from the outbox; a refusal that retrying cannot fix
// (the chat has ended, the text is too long) marks it failed and removes it.

import type { AckFrame, AttachmentRef, ChatEvent, CustomerConversation, ErrorFrame } from '../common/protocol';
import { CloseNotFound, CloseUnauthenticated } from '../common/protocol';
import { newId, RequestError, type ConnectionState, type SocketOptions } from '../common/socket';
import type { Outbox, OutboxEntry } from './outbox';
import { initialState, reduce, typingTimeoutMs, type Action, type ChatState } from './state';

/** SocketLike is the part of common/socket.ts's Socket that a session uses. */
export interface SocketLike {
  start(): void;
  stop(): void;
  reconnectNow(): void;
  send(frame: object): void;
  request(frame: Record<string, unknown>): Promise<AckFrame>;
}

/** GoneReason says why a stored chat cannot be resumed. */
export type GoneReason = 'not_found' | 'unauthenticated';

export interface SessionOptions {
  url: string;
  token: string;
  conversationId: string;
  outbox: Outbox;
  createSocket: (opts: SocketOptions) => SocketLike;
  /** The server no longer knows the chat (4004, not_found) or the token (4001, unauthenticated). */
  onGone: (reason: GoneReason) => void;
  now?: () => number;
  /** How long to wait before resending after a request timed out. */
  retryMs?: number;
}

/** typingIntervalMs is the least time between two typing frames we send. */
export const typingIntervalMs = 2000;

export class ChatSession {
  private s: ChatState;
  private conn: ConnectionState = 'closed';
  private welcomed = false;
  private readonly opts: SessionOptions;
  private readonly socket: SocketLike;
  private readonly inFlight = new Set<string>();
  private listeners = new Set<() => void>();
  private typingTimer?: ReturnType<typeof setTimeout>;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private lastTypingSent = 0;
  private stopped = false;

  constructor(opts: SessionOptions) {
    this.opts = opts;
    this.s = initialState(opts.outbox.list(opts.conversationId));
    this.socket = opts.createSocket({
      url: opts.url,
      // A fresh page starts at 0 and gets the whole history; a reconnect
      // within the page asks only for what it has not seen.
      hello: () => ({
        type: 'hello',
        token: opts.token,
        conversationId: opts.conversationId,
        afterSeq: this.s.lastSeq,
      }),
      onFrame: (f) => this.onFrame(f),
      onState: (st) => {
        this.conn = st;
        this.emit();
      },
      onFatal: (code) => {
        if (code === CloseNotFound) this.gone('not_found');
        else if (code === CloseUnauthenticated) this.gone('unauthenticated');
      },
    });
  }

  get state(): ChatState {
    return this.s;
  }

  /** connection is the socket's state; welcomed tells a first connect from a reconnect. */
  get connection(): { state: ConnectionState; welcomed: boolean } {
    return { state: this.conn, welcomed: this.welcomed };
  }

  /** subscribe calls fn after every change and returns the function that stops it. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start(): void {
    this.socket.start();
    this.flush();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.typingTimer);
    clearTimeout(this.retryTimer);
    this.socket.stop();
    this.listeners.clear();
  }

  /** reconnectNow skips the backoff, for when the browser comes back online. */
  reconnectNow(): void {
    this.socket.reconnectNow();
  }

  /**
   * send queues a message, with the files it carries (uploaded already);
   * it is shown at once and kept until acknowledged.
   */
  send(text: string, attachments: AttachmentRef[] = []): void {
    const t = text.trim();
    if ((!t && attachments.length === 0) || this.s.status === 'ended') return;
    const entry: OutboxEntry = {
      clientMsgId: newId(),
      conversationId: this.opts.conversationId,
      text: t,
      time: new Date(this.now()).toISOString(),
    };
    if (attachments.length > 0) entry.attachments = attachments;
    this.opts.outbox.add(entry);
    this.dispatch({ type: 'pending', entry });
    this.flush();
  }

  /** typing tells the agent the customer is typing, at most once every 2 s. */
  typing(): void {
    const now = this.now();
    if (this.s.status === 'ended' || now - this.lastTypingSent < typingIntervalMs) return;
    this.lastTypingSent = now;
    this.socket.send({ type: 'typing', conversationId: this.opts.conversationId });
  }

  /** end ends the chat; the ended event that follows updates the state. */
  async end(): Promise<void> {
    try {
      await this.socket.request({ type: 'end', conversationId: this.opts.conversationId });
    } catch (err) {
      // conflict: it had already ended, and the ended event tells us so.
      if (!(err instanceof RequestError && err.code === 'conflict')) throw err;
    }
  }

  /**
   * choose answers a menu with one of its options. The choice arrives as
   * an event like everything else; a refusal (another window answered
   * first, the agent withdrew it) rejects with the server's RequestError.
   */
  async choose(menuId: string, optionId: string): Promise<void> {
    await this.socket.request({
      type: 'choose',
      conversationId: this.opts.conversationId,
      clientMsgId: newId(),
      menuId,
      optionId,
    });
  }

  // flush sends every outbox entry of this chat that is not already on its way.
  private flush(): void {
    if (this.stopped) return;
    for (const entry of this.opts.outbox.list(this.opts.conversationId)) {
      if (this.inFlight.has(entry.clientMsgId)) continue;
      this.inFlight.add(entry.clientMsgId);
      this.socket
        .request({
          type: 'send',
          conversationId: entry.conversationId,
          clientMsgId: entry.clientMsgId,
          text: entry.text,
          ...(entry.attachments?.length ? { attachmentIds: entry.attachments.map((a) => a.id) } : {}),
        })
        .then(
          (ack) => {
            this.inFlight.delete(entry.clientMsgId);
            this.opts.outbox.remove(entry.clientMsgId);
            this.dispatch({ type: 'ack', clientMsgId: entry.clientMsgId, seq: ack.seq });
          },
          (err: unknown) => {
            this.inFlight.delete(entry.clientMsgId);
            if (this.stopped) return;
            if (err instanceof RequestError && !err.retryable && err.code !== 'internal') {
              this.opts.outbox.remove(entry.clientMsgId);
              this.dispatch({ type: 'failed', clientMsgId: entry.clientMsgId });
              return;
            }
            // Timed out or unavailable: try again shortly, same clientMsgId.
            clearTimeout(this.retryTimer);
            this.retryTimer = setTimeout(() => this.flush(), this.opts.retryMs ?? 2000);
          },
        );
    }
  }

  private onFrame(f: { type: string } & Record<string, unknown>): void {
    switch (f.type) {
      case 'welcome':
        this.welcomed = true;
        this.dispatch({ type: 'welcome', conversation: f.conversation as CustomerConversation });
        return;
      case 'event': {
        const event = f.event as ChatEvent;
        if (event.conversationId && event.conversationId !== this.opts.conversationId) return;
        this.dispatch({ type: 'event', event, now: this.now() });
        if (event.kind === 'message' && event.clientMsgId) this.settle(event.clientMsgId);
        if (event.kind === 'typing' && this.s.typing) {
          clearTimeout(this.typingTimer);
          this.typingTimer = setTimeout(() => this.dispatch({ type: 'tick', now: this.now() }), typingTimeoutMs);
        }
        return;
      }
      case 'ack': {
        // A late ack for a request the socket had already given up on.
        const ack = f as unknown as AckFrame;
        if (ack.clientMsgId) {
          this.settle(ack.clientMsgId);
          this.dispatch({ type: 'ack', clientMsgId: ack.clientMsgId, seq: ack.seq });
        }
        return;
      }
      case 'error': {
        // An error without a request is about the hello itself.
        const e = f as unknown as ErrorFrame;
        if (e.requestId) return;
        if (e.code === 'not_found') this.gone('not_found');
        else if (e.code === 'unauthenticated') this.gone('unauthenticated');
        return;
      }
    }
  }

  // settle removes a message the server has stored from the outbox, even if
  // its ack went missing (it arrived as an event in the history replay).
  private settle(clientMsgId: string): void {
    this.opts.outbox.remove(clientMsgId);
  }

  private gone(reason: GoneReason): void {
    if (this.stopped) return;
    this.opts.outbox.clear(this.opts.conversationId);
    this.stop();
    this.opts.onGone(reason);
  }

  private dispatch(a: Action): void {
    const next = reduce(this.s, a);
    if (next === this.s) return;
    this.s = next;
    this.emit();
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}
