import { describe, expect, it } from 'vitest';
import { AgentClient } from './client';
import type { ApiFn, SocketLike } from './client';
import { RequestError } from '../common/socket';
import type { SocketOptions } from '../common/socket';
import type { AckFrame, AgentWelcome, User } from '../common/protocol';
import type { ReasonTexts } from '../common/errors';
import { reasonTexts } from './texts';

const anna: User = { id: 'u-anna', username: 'anna', displayName: 'Anna', role: 'agent', capacity: 2 };
const T0 = '2026-11-25T10:00:00Z';

interface Req {
  frame: Record<string, unknown>;
  resolve: (a: AckFrame) => void;
  reject: (e: Error) => void;
}

class FakeSocket implements SocketLike {
  requests: Req[] = [];
  sent: object[] = [];
  started = false;
  stopped = false;
  constructor(readonly opts: SocketOptions) {}
  start() {
    this.started = true;
  }
  stop() {
    this.stopped = true;
  }
  send(frame: object) {
    this.sent.push(frame);
  }
  request(frame: Record<string, unknown>): Promise<AckFrame> {
    return new Promise((resolve, reject) => this.requests.push({ frame, resolve, reject }));
  }
  welcome(w: Partial<AgentWelcome> = {}) {
    this.opts.onFrame({
      type: 'welcome',
      user: anna,
      state: { userId: 'u-anna', status: 'paused', updatedAt: T0 },
      profiles: [],
      queues: [],
      conversations: [],
      ...w,
    });
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(api: ApiFn = () => Promise.reject(new Error('no api')), reasons?: ReasonTexts) {
  const sockets: FakeSocket[] = [];
  let now = 10_000;
  const client = new AgentClient({
    createSocket: (o) => {
      const s = new FakeSocket(o);
      sockets.push(s);
      return s;
    },
    api,
    now: () => now,
    reasons,
  });
  client.start();
  return { client, sockets, socket: sockets[0], tick: (ms: number) => (now += ms) };
}

const chat = {
  id: 'c1',
  queueId: 'sales',
  customerName: 'Kari',
  status: 'active' as const,
  agents: ['u-anna'],
  declined: [],
  priority: 0,
  queuedAt: T0,
  createdAt: T0,
  lastSeq: 3,
};

describe('AgentClient', () => {
  it('says hello with the resume positions of its tabs', () => {
    const { socket } = setup();
    expect(socket.opts.hello()).toEqual({ type: 'hello', resume: {} });
    socket.welcome({ conversations: [chat] });
    socket.opts.onFrame({ type: 'event', event: { conversationId: 'c1', seq: 4, time: T0, kind: 'message', visibility: 'all', author: { role: 'customer' }, text: 'hi' } });
    expect(socket.opts.hello()).toEqual({ type: 'hello', resume: { c1: 4 } });
  });

  it('keeps a message pending until its ack, and resends one that timed out after the next welcome', async () => {
    const { client, socket } = setup();
    socket.welcome({ conversations: [chat] });
    client.sendMessage('c1', '  Hello  ');
    expect(socket.requests).toHaveLength(1);
    const first = socket.requests[0].frame;
    expect(first).toMatchObject({ type: 'send', conversationId: 'c1', text: 'Hello' });
    expect(client.state.tabs.c1.pending).toHaveLength(1);

    socket.requests[0].reject(new RequestError('unavailable', 'The server did not answer in time.', true));
    await flush();
    expect(client.state.tabs.c1.pending[0].error).toBeUndefined();

    socket.welcome({ conversations: [chat] });
    expect(socket.requests).toHaveLength(2);
    expect(socket.requests[1].frame.clientMsgId).toBe(first.clientMsgId);

    // A second welcome while the resend is in flight does not send it a third time.
    socket.welcome({ conversations: [chat] });
    expect(socket.requests).toHaveLength(2);

    socket.requests[1].resolve({ type: 'ack', requestId: 'r', seq: 4, clientMsgId: String(first.clientMsgId) });
    await flush();
    expect(client.state.tabs.c1.pending[0].seq).toBe(4);
  });

  it('sends a message of files alone, with their ids, and resends it with them', async () => {
    const { client, socket } = setup();
    socket.welcome({ conversations: [chat] });
    const file = { id: 'f1', name: 'scan.pdf', type: 'application/pdf', size: 1234 };
    client.sendMessage('c1', '  ', [file]);
    expect(socket.requests).toHaveLength(1);
    expect(socket.requests[0].frame).toMatchObject({ type: 'send', conversationId: 'c1', text: '', attachmentIds: ['f1'] });
    expect(client.state.tabs.c1.pending[0].attachments).toEqual([file]);
    socket.requests[0].reject(new RequestError('unavailable', 'The server did not answer in time.', true));
    await flush();
    socket.welcome({ conversations: [chat] });
    expect(socket.requests[1].frame).toMatchObject({ attachmentIds: ['f1'], clientMsgId: socket.requests[0].frame.clientMsgId });
    client.sendMessage('c1', '   ');
    expect(socket.requests).toHaveLength(2); // nothing to send
  });

  it('marks a refused message as not sent', async () => {
    const { client, socket } = setup();
    socket.welcome({ conversations: [chat] });
    client.sendMessage('c1', 'x');
    socket.requests[0].reject(new RequestError('conflict', 'The chat has ended.', false));
    await flush();
    expect(client.state.tabs.c1.pending[0].error).toBe('The chat has ended.');
  });

  it("says why a message was refused in the agent's language, else in the server's words", async () => {
    const { client, socket } = setup(undefined, reasonTexts.nb);
    socket.welcome({ conversations: [chat] });
    client.sendMessage('c1', 'x');
    client.sendMessage('c1', 'y');
    socket.requests[0].reject(new RequestError('too_large', 'The message is longer than 5000 characters.', false, 'message_too_long', { max: 5000 }));
    socket.requests[1].reject(new RequestError('invalid', 'Something new.', false, 'a_reason_from_a_newer_server'));
    await flush();
    expect(client.state.tabs.c1.pending.map((p) => p.error)).toEqual(['Meldingen er lengre enn 5000 tegn.', 'Something new.']);

    // An error frame that answers no request is a notice, in the same words.
    socket.opts.onFrame({ type: 'error', code: 'unavailable', reason: 'server_busy', message: 'The server is busy; try again.', retryable: true });
    expect(client.state.notices.map((n) => n.message)).toEqual(['Serveren er opptatt; prøv igjen.']);
  });

  it('sends typing at most every 2 s', () => {
    const { client, socket, tick } = setup();
    socket.welcome({ conversations: [chat] });
    client.typing('c1');
    tick(500);
    client.typing('c1');
    tick(1600);
    client.typing('c1');
    expect(socket.sent).toEqual([
      { type: 'typing', conversationId: 'c1' },
      { type: 'typing', conversationId: 'c1' },
    ]);
  });

  it('fetches the details of a live offer', async () => {
    const calls: string[] = [];
    const api: ApiFn = <T,>(method: string, path: string) => {
      calls.push(`${method} ${path}`);
      return Promise.resolve({
        conversation: { ...chat, status: 'waiting', agents: [], offer: { agentId: 'u-anna', offeredAt: T0, expiresAt: T0 } },
        events: [],
      } as T);
    };
    const { client, socket } = setup(api);
    socket.welcome();
    socket.opts.onFrame({ type: 'event', event: { conversationId: 'c1', seq: 3, time: T0, kind: 'offered', visibility: 'agents', author: { role: 'system' }, agentId: 'u-anna', expiresAt: T0 } });
    await flush();
    expect(calls).toEqual(['GET /api/v1/conversations/c1']);
    expect(client.state.tabs.c1.customerName).toBe('Kari');
  });

  it('accept turns the offer into a chat; a conflict removes it with the message', async () => {
    const offer = { ...chat, status: 'waiting' as const, agents: [], offer: { agentId: 'u-anna', offeredAt: T0, expiresAt: T0 } };
    const { client, socket } = setup();
    socket.welcome({ conversations: [offer, { ...offer, id: 'c2' }] });
    const accepted = client.accept('c1');
    expect(socket.requests[0].frame).toEqual({ type: 'accept', conversationId: 'c1' });
    socket.requests[0].resolve({ type: 'ack', requestId: 'r', seq: 4 });
    await accepted;
    expect(client.state.tabs.c1.kind).toBe('chat');

    const lost = client.accept('c2');
    socket.requests[1].reject(new RequestError('conflict', 'The offer has expired.', false));
    await lost;
    expect(client.state.tabs.c2).toBeUndefined();
    expect(client.state.notices.map((n) => n.message)).toEqual(['The offer has expired.']);
  });

  it('end closes the tab only after the ack', async () => {
    const { client, socket } = setup();
    socket.welcome({ conversations: [chat] });
    const ended = client.end('c1');
    expect(socket.requests[0].frame).toEqual({ type: 'end', conversationId: 'c1' });
    expect(client.state.tabs.c1.ending).toBe(true);
    socket.requests[0].resolve({ type: 'ack', requestId: 'r', seq: 4 });
    await ended;
    expect(client.state.tabs.c1).toBeUndefined();
  });

  it('goes back to the login form on close 4001', () => {
    const { client, socket } = setup();
    let loggedOut = false;
    client.onUnauthenticated = () => (loggedOut = true);
    socket.opts.onFatal?.(4001, 'unauthenticated');
    expect(loggedOut).toBe(true);
  });
});

describe('AgentClient: private messages and invitations', () => {
  it('sends and types privately in private mode, also when a message is resent', async () => {
    const { client, socket, tick } = setup();
    socket.welcome({ conversations: [chat] });
    client.typing('c1');
    client.setPrivate('c1', true);
    // Typing in private mode goes out at once: a public typing just before does not stand for it.
    client.typing('c1');
    client.sendMessage('c1', 'for agents');
    expect(socket.requests[0].frame).toMatchObject({ type: 'send', text: 'for agents', private: true });
    expect(client.state.tabs.c1.pending[0].private).toBe(true);

    socket.requests[0].reject(new RequestError('unavailable', 'Disconnected.', true));
    await flush();
    socket.welcome({ conversations: [chat] });
    expect(socket.requests[1].frame).toMatchObject({ type: 'send', text: 'for agents', private: true });

    client.setPrivate('c1', false);
    tick(3000);
    client.typing('c1');
    client.sendMessage('c1', 'for the customer');
    expect(socket.requests[2].frame).not.toHaveProperty('private');
    expect(socket.sent).toEqual([
      { type: 'typing', conversationId: 'c1' },
      { type: 'typing', conversationId: 'c1', private: true },
      { type: 'typing', conversationId: 'c1' },
    ]);
  });

  it('invite sends the target and note; with leave it then leaves and closes the tab', async () => {
    const { client, socket } = setup();
    socket.welcome({ conversations: [chat] });
    const invited = client.invite('c1', { agentId: 'u-bjorn' }, '  Please help  ', true);
    expect(socket.requests[0].frame).toEqual({ type: 'invite', conversationId: 'c1', agentId: 'u-bjorn', note: 'Please help' });
    socket.requests[0].resolve({ type: 'ack', requestId: 'r', seq: 4 });
    await flush();
    expect(socket.requests[1].frame).toEqual({ type: 'leave', conversationId: 'c1' });
    expect(client.state.tabs.c1.leaving).toBe(true);
    socket.requests[1].resolve({ type: 'ack', requestId: 'r', seq: 5 });
    await invited;
    expect(client.state.tabs.c1).toBeUndefined();
  });

  it('invite rejects with the server message and stays in the chat', async () => {
    const { client, socket } = setup();
    socket.welcome({ conversations: [chat] });
    const invited = client.invite('c1', { queueId: 'support' }, '', true);
    expect(socket.requests[0].frame).toEqual({ type: 'invite', conversationId: 'c1', queueId: 'support' });
    socket.requests[0].reject(new RequestError('conflict', 'Nobody in Support can take an invitation right now.', false));
    await expect(invited).rejects.toThrow('Nobody in Support can take an invitation right now.');
    expect(socket.requests).toHaveLength(1);
    expect(client.state.tabs.c1.leaving).toBe(false);
  });

  it('withdraw sends withdraw; reject of an invitation removes its tab', async () => {
    const invitation = { ...chat, agents: ['u-bjorn'], invitation: { agentId: 'u-anna', invitedBy: 'u-bjorn', offeredAt: T0, expiresAt: T0, declined: [] } };
    const { client, socket } = setup();
    socket.welcome({ conversations: [invitation, { ...chat, id: 'c2' }] });
    expect(client.state.tabs.c1.kind).toBe('invitation');
    void client.withdraw('c2');
    expect(socket.requests[0].frame).toEqual({ type: 'withdraw', conversationId: 'c2' });
    client.closeTab('c1');
    expect(socket.requests[1].frame).toEqual({ type: 'reject', conversationId: 'c1' });
    socket.requests[1].resolve({ type: 'ack', requestId: 'r' });
    await flush();
    expect(client.state.tabs.c1).toBeUndefined();
  });
});

describe('directory changes', () => {
  it("reloads the agent's profiles and queues when an administrator changes them", async () => {
    let profiles = [{ id: 'p1', name: 'Sales', queues: ['sales'] }];
    let gets = 0;
    const api: ApiFn = <T,>(method: string, path: string) => {
      if (method === 'GET' && path === '/api/v1/me') {
        gets++;
        return Promise.resolve({ user: anna, profiles, queues: [{ id: 'sales', name: 'Sales', open: true }] } as T);
      }
      return Promise.reject(new Error(`unexpected ${method} ${path}`));
    };
    const { client, socket } = setup(api);
    socket.welcome({ profiles });
    profiles = [{ id: 'p1', name: 'Sales desk', queues: ['sales', 'support'] }];
    socket.opts.onFrame({ type: 'event', event: { kind: 'directory_changed', time: T0, visibility: 'agents', author: { role: 'system' } } });
    await flush();
    await flush();
    expect(gets).toBe(1);
    expect(client.state.profiles).toEqual(profiles);
    expect(client.state.queues[0].open).toBe(true);
    client.stop();
  });

  it('tells the agent when an administrator took the active profile away', () => {
    const { client, socket } = setup();
    socket.welcome({ state: { userId: 'u-anna', status: 'ready', profileId: 'p1', updatedAt: T0 }, profiles: [{ id: 'p1', name: 'Sales', queues: ['sales'] }] });
    socket.opts.onFrame({ type: 'event', event: { kind: 'agent_status', time: T0, visibility: 'agents', author: { role: 'system' },
      agentId: 'u-anna', status: 'paused', reason: 'profile_removed' } });
    expect(client.state.status).toBe('paused');
    expect(client.state.profileId).toBeUndefined();
    expect(client.state.notices.map((n) => n.key)).toContain('profileRemoved');
    client.stop();
  });
});
