// REST calls of the widget (docs/protocol.md, "Customers"). Every failure
// becomes an ApiFailure whose message can be shown as it is: for an HTTP
// error, the widget's text for the server's reason in the customer's
// language, or else the server's own message; a plain "could not reach the
// server" otherwise.

import { errorText, type ReasonTexts } from '../common/errors';
import type { ApiError, CustomerConversation, CustomerDetails, ErrorCode, ErrorParams, Queue } from '../common/protocol';
import type { WidgetSettings } from './config';

/** WidgetOptions is what the server offers a customer besides the chat itself. */
export interface WidgetOptions {
  transcriptByEmail: boolean;
  customerErasure: boolean;
  /** the organisation has an OpenID provider for secure chat (R6). */
  secureChat: boolean;
}

/** ApiFailure is a failed REST call; code and reason are absent when the network failed. */
export class ApiFailure extends Error {
  readonly code?: ErrorCode;
  readonly status: number;
  readonly reason?: string;
  readonly params?: ErrorParams;
  constructor(message: string, status: number, code?: ErrorCode, reason?: string, params?: ErrorParams) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = reason;
    this.params = params;
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
  private readonly reasons: ReasonTexts;

  /** reasons are the texts for server errors in the customer's language (texts.ts, reasonsFor). */
  constructor(base: string, networkMessage: string, reasons: ReasonTexts = {}) {
    this.base = base;
    this.networkMessage = networkMessage;
    this.reasons = reasons;
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

  /** options says what the server offers besides the chat: e-mailed transcripts, erasure on request. */
  async options(): Promise<WidgetOptions> {
    const r = await this.call<Partial<WidgetOptions>>('GET', '/api/v1/widget/queues');
    return { transcriptByEmail: !!r.transcriptByEmail, customerErasure: !!r.customerErasure, secureChat: !!r.secureChat };
  }

  /** transcript downloads the customer's transcript of conversation id, as an HTML file. */
  async transcript(token: string, id: string, lang: string, zone: string): Promise<{ blob: Blob; filename: string }> {
    const q = new URLSearchParams({ lang, zone });
    const res = await this.fetch('GET', `/api/v1/widget/conversations/${encodeURIComponent(id)}/transcript?${q}`, undefined, token);
    if (!res.ok) await this.fail(res);
    const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '');
    return { blob: await res.blob(), filename: m?.[1] ?? 'chat.html' };
  }

  /** emailTranscript has the transcript of conversation id e-mailed to address. */
  async emailTranscript(token: string, id: string, address: string, lang: string, zone: string): Promise<void> {
    await this.call('POST', `/api/v1/widget/conversations/${encodeURIComponent(id)}/transcript/email`, { address, lang, zone }, token);
  }

  /** requestErasure asks that conversation id be deleted: at once if it has ended, else once it ends. */
  async requestErasure(token: string, id: string): Promise<'requested' | 'deleted'> {
    const r = await this.call<{ status: 'requested' | 'deleted' }>(
      'POST',
      `/api/v1/widget/conversations/${encodeURIComponent(id)}/erasure`,
      {},
      token,
    );
    return r.status;
  }

  /** identify verifies the page's identity token for the customer (R6). */
  async identify(token: string, identity: string): Promise<CustomerDetails> {
    const r = await this.call<{ customer: CustomerDetails }>('POST', '/api/v1/widget/identify', { token: identity }, token);
    return r.customer;
  }

  /** details reads what is known of the customer. */
  async details(token: string): Promise<CustomerDetails> {
    const r = await this.call<{ customer: CustomerDetails }>('GET', '/api/v1/widget/details', undefined, token);
    return r.customer;
  }

  /** secureChat starts the customer's sign-in at the organisation's OpenID provider and returns its URL. */
  async secureChat(token: string): Promise<string> {
    const r = await this.call<{ url: string }>('POST', '/api/v1/widget/secure-chat', {}, token);
    return r.url;
  }

  /** setDetails records details the customer typed (unverified). */
  async setDetails(token: string, details: Record<string, string>): Promise<CustomerDetails> {
    const r = await this.call<{ customer: CustomerDetails }>('PATCH', '/api/v1/widget/details', { details }, token);
    return r.customer;
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

  private async fetch(method: string, path: string, body?: object, token?: string): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await fetch(this.base + path, {
        method,
        headers,
        body: body ? JSON.stringify(body) : undefined,
        credentials: 'omit',
      });
    } catch {
      throw new ApiFailure(this.networkMessage, 0);
    }
  }

  /** fail throws the ApiFailure of a response that is not ok. */
  private async fail(res: Response): Promise<never> {
    let data: unknown = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    const err = (data as ApiError | null)?.error;
    const message = errorText(err, this.reasons, `${this.networkMessage} (HTTP ${res.status})`);
    throw new ApiFailure(message, res.status, err?.code, err?.reason, err?.params);
  }

  private async call<T>(method: string, path: string, body?: object, token?: string): Promise<T> {
    const res = await this.fetch(method, path, body, token);
    if (!res.ok) await this.fail(res);
    try {
      return (await res.json()) as T;
    } catch {
      return null as T;
    }
  }
}
