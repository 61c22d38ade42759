import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UploadQueue, type Transport, type TransportRequest, type TransportResponse } from './upload';

/** A fake server: it records each request and answers when told. */
class FakeServer {
  requests: { req: TransportRequest; answer: (r: TransportResponse) => void; aborted: boolean }[] = [];
  transport: Transport = (req) => {
    let answer!: (r: TransportResponse) => void;
    const done = new Promise<TransportResponse>((resolve) => (answer = resolve));
    const entry = { req, answer, aborted: false };
    this.requests.push(entry);
    return {
      done,
      abort: () => {
        entry.aborted = true;
        answer({ status: -1, body: '' });
      },
    };
  };
  last() {
    return this.requests[this.requests.length - 1];
  }
}

function file(name: string, size: number, type = 'application/pdf'): File {
  return new File([new Uint8Array(size)], name, { type });
}

const stored = (id: string, name: string) => ({ status: 201, body: JSON.stringify({ attachment: { id, name, type: 'application/pdf', size: 3 } }) });
const tick = () => vi.advanceTimersByTimeAsync(0);

describe('UploadQueue', () => {
  let server: FakeServer;
  let changes: number;
  let q: UploadQueue;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    server = new FakeServer();
    changes = 0;
    q = new UploadQueue({ target: { url: '/api/v1/conversations/c1/attachments', headers: { Authorization: 'Bearer t' } }, transport: server.transport, onChange: () => changes++ });
  });
  afterEach(() => vi.useRealTimers());

  it('uploads each file with its name and an upload id, and reports progress', async () => {
    const refused = q.add([file('a.pdf', 3), file('b.pdf', 3)]);
    expect(refused).toEqual([]);
    expect(server.requests).toHaveLength(2);
    const url = new URL(server.requests[0].req.url, 'http://x');
    expect(url.pathname).toBe('/api/v1/conversations/c1/attachments');
    expect(url.searchParams.get('name')).toBe('a.pdf');
    expect(url.searchParams.get('uploadId')).toBe(q.items[0].uploadId);
    expect(server.requests[0].req.headers.Authorization).toBe('Bearer t');
    server.requests[0].req.onProgress(2);
    expect(q.items[0].loaded).toBe(2);
    expect(q.busy()).toBe(true);
    server.requests[0].answer(stored('f1', 'a.pdf'));
    server.requests[1].answer(stored('f2', 'b.pdf'));
    await vi.runAllTimersAsync();
    expect(q.ready()).toBe(true);
    expect(q.attachments().map((a) => a.id)).toEqual(['f1', 'f2']);
    expect(changes).toBeGreaterThan(3);
  });

  it('refuses before uploading: a 21 MB file, an .exe, a sixth file', () => {
    const refused = q.add([file('big.pdf', 21 * 1024 * 1024), file('report.exe', 10, 'application/x-msdownload')]);
    expect(refused).toEqual([
      { reason: 'file_too_large', name: 'big.pdf' },
      { reason: 'file_type', name: 'report.exe' },
    ]);
    expect(server.requests).toHaveLength(0);
    q.add([1, 2, 3, 4, 5].map((i) => file(`${i}.pdf`, 1)));
    expect(q.add([file('6.pdf', 1)])).toEqual([{ reason: 'too_many_attachments', name: '6.pdf' }]);
    expect(server.requests).toHaveLength(5);
  });

  it('after a network drop, sends the same upload again with the same id', async () => {
    q.add([file('a.pdf', 3)]);
    const first = server.last();
    first.answer({ status: 0, body: '' });
    await tick();
    expect(server.requests).toHaveLength(1); // waits before trying again
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.requests).toHaveLength(2);
    expect(server.last().req.url).toBe(first.req.url); // same uploadId: the server stores it once
    server.last().answer({ status: 503, body: '{"error":{"code":"unavailable","message":"busy"}}' });
    await vi.advanceTimersByTimeAsync(2000);
    expect(server.requests).toHaveLength(3);
    server.last().answer({ status: 200, body: JSON.stringify({ attachment: { id: 'f1', name: 'a.pdf', type: 'application/pdf', size: 3 } }) });
    await tick();
    expect(q.items[0].state).toBe('done');
  });

  it('gives up after its attempts, and Retry tries again', async () => {
    q.add([file('a.pdf', 3)]);
    for (let i = 0; i < 4; i++) {
      server.last().answer({ status: 0, body: '' });
      await vi.runAllTimersAsync();
    }
    expect(server.requests).toHaveLength(4);
    expect(q.items[0].state).toBe('failed');
    expect(q.items[0].error?.retryable).toBe(true);
    q.retry(q.items[0].key);
    expect(server.requests).toHaveLength(5);
    expect(server.last().req.url).toBe(server.requests[0].req.url);
  });

  it('does not retry what the server refused, and keeps its reason', async () => {
    q.add([file('a.pdf', 3)]);
    server.last().answer({ status: 400, body: JSON.stringify({ error: { code: 'invalid', reason: 'file_type', params: { name: 'a.pdf' }, message: 'a.pdf: only text, PDF and image files can be sent.' } }) });
    await vi.runAllTimersAsync();
    expect(server.requests).toHaveLength(1);
    expect(q.items[0].state).toBe('failed');
    expect(q.items[0].error).toMatchObject({ status: 400, reason: 'file_type', retryable: false });
  });

  it('cancels an upload when its file is removed', async () => {
    q.add([file('a.pdf', 3)]);
    q.remove(q.items[0].key);
    expect(server.last().aborted).toBe(true);
    expect(q.items).toHaveLength(0);
    await vi.runAllTimersAsync();
    expect(server.requests).toHaveLength(1);
  });
});
