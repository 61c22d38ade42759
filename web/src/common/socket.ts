// A reconnecting WebSocket client for the Skranke protocol (docs/protocol.md).
//
// It opens the socket, sends the hello frame that `hello()` builds (called
// anew on every connect, so it can carry the latest resume positions),
// reconnects with backoff after any drop, and matches acks and errors to
// requests by requestId. Requests made while disconnected wait in a queue and
// are sent after the next hello; a request that gets no answer within the
// timeout is rejected with a retryable error.

import type { AckFrame, ErrorCode, ErrorFrame, ErrorParams } from './protocol';
import { clientReasons } from './errors';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * RequestError is a request that failed: the server's error frame (with its
 * reason and parameters), or one made here when the socket gave up on it.
 */
export class RequestError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly reason?: string;
  readonly params?: ErrorParams;
  constructor(code: ErrorCode, message: string, retryable: boolean, reason?: string, params?: ErrorParams) {
    super(message);
    this.code = code;
    this.retryable = retryable;
    this.reason = reason;
    this.params = params;
  }
}

export interface SocketOptions {
  url: string;
  /** Builds the hello frame for each (re)connect. */
  hello: () => object;
  /** Every frame from the server except acks and errors to requests. */
  onFrame: (frame: { type: string } & Record<string, unknown>) => void;
  onState?: (state: ConnectionState) => void;
  /** Called with the close code when the server closes for good (4001, 4004). */
  onFatal?: (code: number, reason: string) => void;
  requestTimeoutMs?: number;
}

interface Pending {
  frame: Record<string, unknown>;
  resolve: (ack: AckFrame) => void;
  reject: (err: RequestError) => void;
  timer?: ReturnType<typeof setTimeout>;
  sent: boolean;
}

const fatalCodes = new Set([4001, 4004]);

let requestCounter = 0;

/** newId returns a random UUID, used for request and client message ids. */
export function newId(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${++requestCounter}`;
}

/** wsURL turns a path into a ws:// or wss:// URL on this page's host. */
export function wsURL(path: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}${path}`;
}

export class Socket {
  private ws?: WebSocket;
  private state: ConnectionState = 'closed';
  private attempts = 0;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private stopped = false;
  private pending = new Map<string, Pending>();
  private readonly opts: SocketOptions;

  constructor(opts: SocketOptions) {
    this.opts = opts;
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** stop closes the socket for good and fails waiting requests. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.ws?.close(1000, 'bye');
    this.setState('closed');
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new RequestError('unavailable', clientReasons.connection_lost, true, 'connection_lost'));
      this.pending.delete(id);
    }
  }

  /** reconnectNow skips the backoff wait (for example when the browser comes online). */
  reconnectNow(): void {
    if (this.stopped || this.state !== 'closed') return;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  /** send sends a frame that needs no answer; it is dropped while disconnected. */
  send(frame: object): void {
    if (this.state === 'open') this.ws?.send(JSON.stringify(frame));
  }

  /** request sends a frame with a new requestId and resolves with its ack. */
  request(frame: Record<string, unknown>): Promise<AckFrame> {
    const requestId = newId();
    const full = { ...frame, requestId };
    return new Promise<AckFrame>((resolve, reject) => {
      const p: Pending = { frame: full, resolve, reject, sent: false };
      this.pending.set(requestId, p);
      if (this.state === 'open') this.transmit(requestId, p);
    });
  }

  private transmit(requestId: string, p: Pending): void {
    p.sent = true;
    this.ws?.send(JSON.stringify(p.frame));
    clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      this.pending.delete(requestId);
      p.reject(new RequestError('unavailable', clientReasons.no_answer, true, 'no_answer'));
    }, this.opts.requestTimeoutMs ?? 10000);
  }

  private setState(s: ConnectionState): void {
    if (this.state === s) return;
    this.state = s;
    this.opts.onState?.(s);
  }

  private connect(): void {
    this.setState('connecting');
    const ws = new WebSocket(this.opts.url);
    this.ws = ws;
    let welcomed = false;
    ws.onopen = () => {
      ws.send(JSON.stringify(this.opts.hello()));
    };
    ws.onmessage = (msg) => {
      let frame: { type: string } & Record<string, unknown>;
      try {
        frame = JSON.parse(String(msg.data));
      } catch {
        return;
      }
      if (frame.type === 'welcome' && !welcomed) {
        welcomed = true;
        this.attempts = 0;
        this.setState('open');
        this.opts.onFrame(frame);
        // Requests made while offline go out after the hello; retried ones
        // keep their requestId, and the server deduplicates messages by
        // clientMsgId.
        // A request made from onFrame(welcome) above went out already.
        for (const [id, p] of this.pending) if (!p.sent) this.transmit(id, p);
        return;
      }
      if ((frame.type === 'ack' || frame.type === 'error') && typeof frame.requestId === 'string') {
        const p = this.pending.get(frame.requestId);
        if (p) {
          this.pending.delete(frame.requestId);
          clearTimeout(p.timer);
          if (frame.type === 'ack') p.resolve(frame as unknown as AckFrame);
          else {
            const e = frame as unknown as ErrorFrame;
            p.reject(new RequestError(e.code, e.message, e.retryable, e.reason, e.params));
          }
          return;
        }
      }
      this.opts.onFrame(frame);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.setState('closed');
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.sent = false;
      }
      if (fatalCodes.has(ev.code)) {
        this.stopped = true;
        // No reconnect of this socket will answer these: fail them rather than
        // leave them hanging. They are retryable: after logging in again (a
        // new socket) the caller may send them once more.
        const code = ev.code === 4001 ? 'unauthenticated' : 'not_found';
        for (const [id, p] of this.pending) {
          this.pending.delete(id);
          p.reject(new RequestError(code, 'Disconnected.', true));
        }
        this.opts.onFatal?.(ev.code, ev.reason);
        return;
      }
      if (this.stopped) return;
      const base = Math.min(10000, 500 * 2 ** this.attempts);
      this.attempts++;
      const delay = base / 2 + Math.random() * (base / 2);
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }
}
