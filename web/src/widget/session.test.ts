import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AckFrame, ChatEvent } from '../common/protocol';
import { RequestError, type SocketOptions } from '../common/socket';
import { Outbox } from './outbox';
import { ChatSession, type GoneReason, type SocketLike } from './session';
import { SafeStorage } from './storage';

// FakeSocket records what the session asks of the socket and lets the test
// answer requests and push frames.
class FakeSocket implements SocketLike {
  opts: SocketOptions;
  sent: object[] = [];
  requests: { frame: Record<string, unknown>; resolve: (a: AckFrame) => void; reject: (e: Error) => void }[] = [];
  started = false;
  stopped = false;
  constructor(opts: SocketOptions) {
    this.opts = opts;
  }
  start() {
    this.started = true;
  }
  stop() {
    this.stopped = true;
  }
  reconnectNow() {}
  send(frame: object) {
    this.sent.push(frame);
  }
  request(frame: Record<string, unknown>): Promise<AckFrame> {
    return new Promise((resolve, reject) => this.requests.push({ frame, resolve, reject }));
  }
  push(frame: { type: string } & Record<string, unknown>) {
    this.opts.onFrame(frame);
  }
  event(e: Partial<ChatEvent>) {
    this.push({ type: 'event', event: { time: 'T', visibility: 'all', author: { role: 'agent', name: 'Anna' }, kind: 'message', ...e } });
  }
}

let now = 0;
function setup(outbox = new Outbox(new SafeStorage(null))) {
  let sock!: FakeSocket;
  const gone: GoneReason[] = [];
  const s = new ChatSession({
    url: 'ws://x/ws/customer',
    token: 'tok',
    conversationId: 'c1',
    outbox,
    createSocket: (o) => (sock = new FakeSocket(o)),
    onGone: (r) => gone.push(r),
    now: () => now,
    retryMs: 100,
  });
  return { s, sock, outbox, gone };
}
const flushPromises = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  now = 1_000_000;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ChatSession', () => {
  it('sends files with a message, keeps them in the outbox, and shows them once stored', async () => {
    const { s, sock, outbox } = setup();
    s.start();
    const file = { id: 'f1', name: 'IMG_1.png', type: 'image/png', size: 900, width: 40, height: 30, thumbnail: true };
    s.send('', [file]);
    const [entry] = outbox.list('c1');
    expect(entry.attachments).toEqual([file]);
    expect(sock.requests[0].frame).toEqual({ type: 'send', conversationId: 'c1', clientMsgId: entry.clientMsgId, text: '', attachmentIds: ['f1'] });
    expect(s.state.items[0]).toMatchObject({ status: 'sending', attachments: [file] });
    // After a reload, the outbox sends it again with its files.
    const again = setup(outbox);
    again.s.start();
    expect(again.sock.requests[0].frame).toMatchObject({ clientMsgId: entry.clientMsgId, attachmentIds: ['f1'] });
    again.sock.event({ seq: 5, author: { role: 'customer' }, clientMsgId: entry.clientMsgId, attachments: [file] });
    expect(again.s.state.items).toHaveLength(1);
    expect(again.s.state.items[0]).toMatchObject({ status: 'sent', seq: 5, attachments: [file] });
    s.send('  ');
    expect(sock.requests).toHaveLength(1); // neither text nor files
  });

  it('stores a message in the outbox before sending and removes it on ack', async () => {
    const { s, sock, outbox } = setup();
    s.start();
    s.send('  hello  ');
    const [entry] = outbox.list('c1');
    expect(entry.text).toBe('hello');
    expect(sock.requests).toHaveLength(1);
    expect(sock.requests[0].frame).toEqual({ type: 'send', conversationId: 'c1', clientMsgId: entry.clientMsgId, text: 'hello' });
    expect(s.state.items[0]).toMatchObject({ status: 'sending', text: 'hello' });
    sock.requests[0].resolve({ type: 'ack', requestId: 'r', seq: 4, clientMsgId: entry.clientMsgId });
    await flushPromises();
    expect(outbox.list('c1')).toEqual([]);
    expect(s.state.items[0]).toMatchObject({ status: 'sent', seq: 4 });
  });

  it('resends what a previous page left in the outbox, with the same clientMsgId', () => {
    const outbox = new Outbox(new SafeStorage(null));
    outbox.add({ clientMsgId: 'old-1', conversationId: 'c1', text: 'before reload', time: 'T' });
    outbox.add({ clientMsgId: 'other', conversationId: 'c2', text: 'not this chat', time: 'T' });
    const { s, sock } = setup(outbox);
    expect(s.state.items[0]).toMatchObject({ clientMsgId: 'old-1', status: 'sending' });
    s.start();
    expect(sock.requests.map((r) => r.frame.clientMsgId)).toEqual(['old-1']);
    // A fresh page resumes from 0, so the server replays the whole history.
    expect(sock.opts.hello()).toEqual({ type: 'hello', token: 'tok', conversationId: 'c1', afterSeq: 0 });
  });

  it('settles an outbox entry when the replay shows it was stored', () => {
    const outbox = new Outbox(new SafeStorage(null));
    outbox.add({ clientMsgId: 'old-1', conversationId: 'c1', text: 'x', time: 'T' });
    const { s, sock } = setup(outbox);
    s.start();
    sock.event({ seq: 3, clientMsgId: 'old-1', text: 'x', author: { role: 'customer' } });
    expect(outbox.list('c1')).toEqual([]);
    expect(s.state.items).toHaveLength(1);
    expect(s.state.items[0]).toMatchObject({ status: 'sent', seq: 3 });
    // A reconnect within the page resumes after the last seq seen.
    expect(sock.opts.hello()).toMatchObject({ afterSeq: 3 });
  });

  it('retries after a timeout with the same clientMsgId, and gives up on a refusal', async () => {
    vi.useFakeTimers();
    const { s, sock, outbox } = setup();
    s.start();
    s.send('one');
    const id = sock.requests[0].frame.clientMsgId;
    sock.requests[0].reject(new RequestError('unavailable', 'timeout', true));
    await vi.advanceTimersByTimeAsync(150);
    expect(sock.requests).toHaveLength(2);
    expect(sock.requests[1].frame.clientMsgId).toBe(id);
    sock.requests[1].reject(new RequestError('conflict', 'The chat has ended.', false));
    await vi.advanceTimersByTimeAsync(150);
    expect(sock.requests).toHaveLength(2);
    expect(outbox.list('c1')).toEqual([]);
    expect(s.state.items[0]).toMatchObject({ status: 'failed' });
  });

  it('sends typing at most once every 2 s', () => {
    const { s, sock } = setup();
    s.start();
    s.typing();
    now += 1000;
    s.typing();
    now += 1001;
    s.typing();
    expect(sock.sent).toEqual([
      { type: 'typing', conversationId: 'c1' },
      { type: 'typing', conversationId: 'c1' },
    ]);
  });

  it('forgets the chat when the server does not know it', () => {
    const a = setup();
    a.s.start();
    a.s.send('x');
    a.sock.opts.onFatal?.(4004, 'not found');
    expect(a.gone).toEqual(['not_found']);
    expect(a.sock.stopped).toBe(true);
    expect(a.outbox.list('c1')).toEqual([]);

    const b = setup();
    b.s.start();
    b.sock.push({ type: 'error', code: 'unauthenticated', message: 'no', retryable: false });
    expect(b.gone).toEqual(['unauthenticated']);
  });

  it('ends the chat and treats "already ended" as done', async () => {
    const { s, sock } = setup();
    s.start();
    const p = s.end();
    expect(sock.requests[0].frame).toEqual({ type: 'end', conversationId: 'c1' });
    sock.requests[0].reject(new RequestError('conflict', 'ended', false));
    await expect(p).resolves.toBeUndefined();
  });

  it('hides the typing indicator 3 s after the last typing event', async () => {
    vi.useFakeTimers();
    const { s, sock } = setup();
    s.start();
    sock.event({ kind: 'typing' });
    expect(s.state.typing?.name).toBe('Anna');
    now += 3000;
    await vi.advanceTimersByTimeAsync(3000);
    expect(s.state.typing).toBeUndefined();
  });
});
