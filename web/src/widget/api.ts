// REST calls of the widget (docs/protocol.md, "Customers"). Every failure
// becomes an ApiFailure whose message can be shown as it is: the server's own
// message for HTTP errors, a plain "could not reach the server" otherwise.

import type { ApiError, CustomerConversation, ErrorCode, Queue } from '../common/protocol';
import type { WidgetSettings } from './config';

/** ApiFailure is a failed REST call; code is absent when the network failed. */
export class ApiFailure extends Error {
  readonly code?: ErrorCode;
  readonly reason?: string;
  readonly status: number;
  constructor(message: string, status: number, code?: ErrorCode, reason?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = reason;
  }
}

/** basePath is the path Skranke is served under, taken from the frame's own URL (/widget/frame). */
export function basePath(pathname: string): string {
  return pathname.replace(/\/widget\/frame(\.html)?\/?$/, '').replace(/\/widget-frame\.html$/, '');
}

/** Api calls the widget's REST endpoints under base (a path like "" or "/skranke"). */
export class Api {
  private readonly base: string;
  private readonly networkMessage: string;

  constructor(base: string, networkMessage: string) {
    this.base = base;
    this.networkMessage = networkMessage;
  }

  /** settings reads the organisation's widget settings. */
  async settings(): Promise<WidgetSettings> {
    const r = await this.call<{ settings: WidgetSettings }>('GET', '/api/v1/widget/settings');
    return r.settings;
  }

  async queues(): Promise<Queue[]> {
    const r = await this.call<{ queues: Queue[] }>('GET', '/api/v1/widget/queues');
    return r.queues ?? [];
  }

  async newCustomer(): Promise<string> {
    const r = await this.call<{ token: string }>('POST', '/api/v1/widget/customers');
    return r.token;
  }

  async startConversation(token: string, queueId: string, name: string): Promise<CustomerConversation> {
    const body: { queueId: string; name?: string } = { queueId };
    if (name.trim()) body.name = name.trim();
    const r = await this.call<{ conversation: CustomerConversation }>(
      'POST',
      '/api/v1/widget/conversations',
      body,
      token,
    );
    return r.conversation;
  }

  private async call<T>(method: string, path: string, body?: object, token?: string): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        body: body ? JSON.stringify(body) : undefined,
        credentials: 'omit',
      });
    } catch {
      throw new ApiFailure(this.networkMessage, 0);
    }
    let data: unknown = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (!res.ok) {
      const err = (data as ApiError | null)?.error;
      throw new ApiFailure(err?.message || `${this.networkMessage} (HTTP ${res.status})`, res.status, err?.code, err?.reason);
    }
    return data as T;
  }
}
