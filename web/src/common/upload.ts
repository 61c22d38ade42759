// The files a message is to carry, while they upload (R12): the composer
// of the widget and of the agent desktop each hold one UploadQueue.
//
// A file starts uploading as soon as it is added (picked, dropped or
// pasted), so that it is usually there by the time the text is written.
// Each upload has an id made here (uploadId): after a network drop or a
// server that was briefly unavailable, the same upload is sent again with
// the same id, a few times with growing pauses, and the server stores it
// once (a retry of an upload it had finished answers with the first). A
// file the server refuses is not tried again. Removing a file cancels its
// upload. The queue reports every change (progress too) to its listener.

import { checkFile, maxFiles, type Refusal } from './files';
import type { AttachmentRef } from './protocol';
import { newId } from './socket';
import { clientReasons } from './errors';

/** UploadFailure is why an upload did not succeed. */
export interface UploadFailure {
  /** the HTTP status; 0 when the network failed. */
  status: number;
  code?: string;
  reason?: string;
  params?: Record<string, unknown>;
  message: string;
  /** trying again may succeed (the network, an unavailable server, a limit). */
  retryable: boolean;
  /** seconds to wait, for a limit (Retry-After). */
  retryAfter?: number;
}

export type UploadState = 'uploading' | 'done' | 'failed';

/** UploadItem is one file of the queue. */
export interface UploadItem {
  key: string;
  uploadId: string;
  file: File;
  state: UploadState;
  /** bytes sent so far. */
  loaded: number;
  /** the stored file, once done. */
  attachment?: AttachmentRef;
  error?: UploadFailure;
  /** a local URL of an image, for its preview while it uploads. */
  preview?: string;
}

/** TransportRequest is one upload for a Transport to send. */
export interface TransportRequest {
  url: string;
  headers: Record<string, string>;
  body: Blob;
  onProgress: (loaded: number) => void;
}

/** TransportResponse is what came back: status 0 when the network failed. */
export interface TransportResponse {
  status: number;
  body: string;
  retryAfter?: string;
}

/** Transport sends an upload; abort stops it. Tests pass a fake. */
export type Transport = (r: TransportRequest) => { done: Promise<TransportResponse>; abort: () => void };

/** xhrTransport uploads with XMLHttpRequest, the one browser API that reports upload progress. */
export const xhrTransport: Transport = (r) => {
  const xhr = new XMLHttpRequest();
  const done = new Promise<TransportResponse>((resolve) => {
    xhr.upload.onprogress = (e) => r.onProgress(e.loaded);
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText, retryAfter: xhr.getResponseHeader('Retry-After') ?? undefined });
    xhr.onerror = () => resolve({ status: 0, body: '' });
    xhr.ontimeout = () => resolve({ status: 0, body: '' });
    xhr.onabort = () => resolve({ status: -1, body: '' });
  });
  xhr.open('POST', r.url);
  for (const [k, v] of Object.entries(r.headers)) xhr.setRequestHeader(k, v);
  xhr.send(r.body);
  return { done, abort: () => xhr.abort() };
};

/** UploadTarget is where a queue uploads: the route (without query) and any headers. */
export interface UploadTarget {
  url: string;
  headers?: Record<string, string>;
}

export interface UploadQueueOptions {
  target: UploadTarget;
  onChange: () => void;
  transport?: Transport;
  /** tries in all for a failure that may pass (default 4). */
  attempts?: number;
  /** the first pause before trying again; it doubles (default 1000 ms). */
  retryMs?: number;
  /** makes a preview URL of an image (URL.createObjectURL); none in tests. */
  preview?: (f: File) => string | undefined;
  revoke?: (url: string) => void;
}

interface Running {
  abort: () => void;
  timer?: ReturnType<typeof setTimeout>;
}

function parseFailure(res: TransportResponse): UploadFailure {
  if (res.status === 0) return { status: 0, reason: 'server_unreachable', message: clientReasons.server_unreachable, retryable: true };
  let e: { code?: string; reason?: string; params?: Record<string, unknown>; message?: string } | undefined;
  try {
    e = (JSON.parse(res.body) as { error?: typeof e }).error;
  } catch {
    e = undefined;
  }
  const retryAfter = res.retryAfter ? Number(res.retryAfter) || undefined : undefined;
  return {
    status: res.status,
    code: e?.code,
    reason: e?.reason,
    params: e?.params,
    message: e?.message || `HTTP ${res.status}`,
    retryable: res.status >= 500 || res.status === 429 || res.status === 408,
    retryAfter,
  };
}

export class UploadQueue {
  items: UploadItem[] = [];
  private readonly opts: UploadQueueOptions;
  private readonly running = new Map<string, Running>();
  private disposed = false;

  constructor(opts: UploadQueueOptions) {
    this.opts = opts;
  }

  /**
   * add checks the files and starts uploading those that pass; it returns
   * the refused ones, with why. Files beyond maxFiles in all are refused.
   */
  add(files: File[]): Refusal[] {
    const refused: Refusal[] = [];
    for (const file of files) {
      const why = checkFile(file);
      if (why) {
        refused.push(why);
        continue;
      }
      if (this.items.length >= maxFiles) {
        refused.push({ reason: 'too_many_attachments', name: file.name });
        continue;
      }
      const item: UploadItem = { key: newId(), uploadId: newId(), file, state: 'uploading', loaded: 0 };
      if (file.type.startsWith('image/')) item.preview = this.opts.preview?.(file);
      this.items = [...this.items, item];
      this.start(item.key, 1);
    }
    this.changed();
    return refused;
  }

  /** remove takes a file out, cancelling its upload. */
  remove(key: string): void {
    const item = this.items.find((i) => i.key === key);
    if (!item) return;
    this.stop(key);
    if (item.preview) this.opts.revoke?.(item.preview);
    this.items = this.items.filter((i) => i.key !== key);
    this.changed();
  }

  /** retry uploads a failed file again, with the same upload id. */
  retry(key: string): void {
    const item = this.items.find((i) => i.key === key);
    if (!item || item.state !== 'failed') return;
    this.update(key, { state: 'uploading', loaded: 0, error: undefined });
    this.start(key, 1);
  }

  /** retryFailed retries every failed upload that may pass (the browser is online again). */
  retryFailed(): void {
    for (const i of this.items) if (i.state === 'failed' && i.error?.retryable) this.retry(i.key);
  }

  /** clear empties the queue once its files are sent (or given up). */
  clear(): void {
    for (const i of this.items) {
      this.stop(i.key);
      if (i.preview) this.opts.revoke?.(i.preview);
    }
    this.items = [];
    this.changed();
  }

  /** dispose cancels everything; the queue reports nothing more. */
  dispose(): void {
    this.clear();
    this.disposed = true;
  }

  /** busy tells whether a file is still uploading. */
  busy(): boolean {
    return this.items.some((i) => i.state === 'uploading');
  }

  /** ready tells whether every file is uploaded (and there is at least one). */
  ready(): boolean {
    return this.items.length > 0 && this.items.every((i) => i.state === 'done');
  }

  /** attachments are the uploaded files, in the order they were added. */
  attachments(): AttachmentRef[] {
    return this.items.flatMap((i) => (i.attachment ? [i.attachment] : []));
  }

  private start(key: string, attempt: number): void {
    const item = this.items.find((i) => i.key === key);
    if (!item || this.disposed) return;
    const q = new URLSearchParams({ uploadId: item.uploadId, name: item.file.name });
    const transport = this.opts.transport ?? xhrTransport;
    const t = transport({
      url: `${this.opts.target.url}?${q}`,
      headers: { ...this.opts.target.headers, 'Content-Type': 'application/octet-stream' },
      body: item.file,
      onProgress: (loaded) => this.update(key, { loaded: Math.min(loaded, item.file.size) }),
    });
    this.running.set(key, { abort: t.abort });
    void t.done.then((res) => {
      if (this.running.get(key)?.abort !== t.abort) return; // removed or restarted meanwhile
      this.running.delete(key);
      if (res.status === -1) return; // aborted
      if (res.status === 200 || res.status === 201) {
        let attachment: AttachmentRef | undefined;
        try {
          attachment = (JSON.parse(res.body) as { attachment?: AttachmentRef }).attachment;
        } catch {
          attachment = undefined;
        }
        if (attachment?.id) {
          this.update(key, { state: 'done', loaded: item.file.size, attachment });
          return;
        }
      }
      const failure = parseFailure(res);
      const attempts = this.opts.attempts ?? 4;
      if (failure.retryable && attempt < attempts) {
        // The same upload again (same uploadId), after a pause.
        const wait = Math.max((failure.retryAfter ?? 0) * 1000, (this.opts.retryMs ?? 1000) * 2 ** (attempt - 1));
        const timer = setTimeout(() => this.start(key, attempt + 1), wait);
        this.running.set(key, { abort: () => clearTimeout(timer), timer });
        this.update(key, { loaded: 0 });
        return;
      }
      this.update(key, { state: 'failed', error: failure });
    });
  }

  private stop(key: string): void {
    const r = this.running.get(key);
    this.running.delete(key);
    if (r?.timer) clearTimeout(r.timer);
    r?.abort();
  }

  private update(key: string, p: Partial<UploadItem>): void {
    let changed = false;
    this.items = this.items.map((i) => {
      if (i.key !== key) return i;
      changed = true;
      return { ...i, ...p };
    });
    if (changed) this.changed();
  }

  private changed(): void {
    if (!this.disposed) this.opts.onChange();
  }
}
