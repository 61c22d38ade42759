import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { ApiRequestError } from '../common/rest';
import { AdminApi, type ApiFn } from './api';
import { App } from './App';
import type { User } from './types';

const admin: User = { id: 'u-admin', username: 'admin', displayName: 'Ada Admin', role: 'admin', capacity: 3, profiles: [], version: 1 };
const sam: User = { id: 'u-sam', username: 'sam', displayName: 'Sam', role: 'supervisor', capacity: 3, profiles: [], version: 1 };
const anna: User = { id: 'u-anna', username: 'anna', displayName: 'Anna', role: 'agent', capacity: 3, profiles: ['sales'], version: 4 };

let root: HTMLElement;
let me: User | null;
let calls: { method: string; path: string; body?: unknown }[];
let patchAnswer: () => Promise<unknown>;

const api: ApiFn = <T,>(method: string, path: string, body?: unknown): Promise<T> => {
  calls.push({ method, path, body });
  const ok = (v: unknown) => Promise.resolve(v as T);
  if (path === '/api/v1/me') return me ? ok({ user: me }) : Promise.reject(new ApiRequestError(401, 'unauthenticated', 'Please log in.'));
  if (path === '/api/v1/login') {
    me = admin;
    return ok({ user: admin });
  }
  if (path === '/api/v1/setup' && method === 'GET') return ok({ pending: me === null });
  if (path === '/api/v1/setup') {
    me = admin;
    return ok({ user: admin });
  }
  if (path === '/api/v1/admin/users') return ok({ users: [admin, anna], online: { 'u-anna': { status: 'ready', load: 1 } } });
  if (path === '/api/v1/admin/profiles') return ok({ profiles: [{ id: 'sales', name: 'Sales desk', queues: ['sales'], version: 1 }], inUse: {} });
  if (path.startsWith('/api/v1/chatlog?')) {
    const hit = { seq: 4, time: '2026-12-01T10:01:00Z', visibility: 'agents', author: { role: 'agent', id: 'u-anna', name: 'Anna' },
      parts: [{ text: 'use ' }, { text: 'rabatt', hit: true }, { text: ' today' }] };
    const item = (id: string) => ({ id, queueId: 'sales', customerName: `Kari ${id}`, status: 'ended', createdAt: '2026-12-01T10:00:00Z',
      record: { messages: 3, private: 1 }, waitSeconds: 5, handlingSeconds: 185, hits: path.includes('q=') ? [hit] : undefined });
    return ok(path.includes('cursor=') ? { items: [item('c3')] } : { items: [item('c1'), item('c2')], next: 'o2' });
  }
  if (path === '/api/v1/chatlog/c1') {
    return ok({
      conversation: { id: 'c1', queueId: 'sales', status: 'ended', createdAt: '2026-12-01T10:00:00Z', endedAt: '2026-12-01T10:05:00Z', visitor: '4821',
        agents: [], declined: [], priority: 0, queuedAt: '2026-12-01T10:00:00Z', lastSeq: 3,
        record: { answeredAt: '2026-12-01T10:00:05Z', endedBy: 'agent', messages: 1, private: 1 } },
      events: [
        { seq: 1, time: '2026-12-01T10:00:00Z', kind: 'started', visibility: 'all', author: { role: 'customer' }, queueId: 'sales' },
        { seq: 2, time: '2026-12-01T10:00:05Z', kind: 'agent_joined', visibility: 'all', author: { role: 'agent', id: 'u-anna', name: 'Anna' }, agentId: 'u-anna', agentName: 'Anna' },
        { seq: 3, time: '2026-12-01T10:01:00Z', kind: 'message', visibility: 'agents', author: { role: 'agent', id: 'u-anna', name: 'Anna' }, text: 'use rabatt today',
          attachments: [{ id: 'f1', name: 'photo.png', type: 'image/png', size: 2048, width: 640, height: 480, thumbnail: true }] },
      ],
      participations: [{ conversationId: 'c1', agentId: 'u-anna', state: 'joined', firstAt: '2026-12-01T10:00:04Z', joinedAt: '2026-12-01T10:00:05Z' }],
    });
  }
  if (path.startsWith('/api/v1/outbox')) {
    const failed = { id: 'j2', kind: 'transcript_mail', conversationId: 'c1', attempts: 9, nextAt: '2026-12-02T10:00:00Z', createdAt: '2026-12-01T10:00:00Z',
      failedAt: '2026-12-02T10:00:00Z', lastError: 'dial tcp: connection refused' };
    const sent = { id: 'j1', kind: 'transcript_mail', conversationId: 'c2', attempts: 0, nextAt: '2026-12-01T09:00:00Z', createdAt: '2026-12-01T09:00:00Z',
      doneAt: '2026-12-01T09:00:02Z' };
    return ok({ jobs: path.endsWith('failed=true') ? [failed] : [failed, sent] });
  }
  if (path === '/api/v1/admin/privacy' && method === 'GET') {
    return ok({ privacy: { retentionDays: 365, queueRetentionDays: { support: 90 }, customerErasure: false, version: 3 } });
  }
  if (path === '/api/v1/admin/privacy' && method === 'PATCH') return ok({ privacy: { ...(body as object), version: 4 } });
  if (path === '/api/v1/admin/queues') return ok({ queues: [{ id: 'sales', name: 'Sales' }, { id: 'support', name: 'Support' }], open: {} });
  if (path === '/api/v1/erasures' && method === 'GET') return ok({ counts: null });
  if (path === '/api/v1/erasures' && method === 'POST') return ok({ deleted: ['c1'], open: [] });
  if (path === '/api/v1/admin/users/u-anna' && method === 'PATCH') return patchAnswer() as Promise<T>;
  return Promise.reject(new ApiRequestError(404, 'not_found', `no ${method} ${path}`));
};

async function settle() {
  for (let i = 0; i < 6; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
}

async function mount(path = '/admin', hash = '#/users') {
  await act(() => render(<App api={new AdminApi(api)} lang="en" onLanguage={() => {}} path={path} hash={hash} />, root));
  await settle();
}

function byLabel(text: string): HTMLInputElement {
  const label = Array.from(root.querySelectorAll('label')).find((l) => l.textContent?.trim().startsWith(text));
  const el = label && (document.getElementById(label.htmlFor) as HTMLInputElement | null);
  if (!el) throw new Error(`no field labelled ${text}`);
  return el;
}

function button(name: string): HTMLButtonElement {
  const b = Array.from(root.querySelectorAll('button')).find((x) => (x.getAttribute('aria-label') ?? x.textContent?.trim()) === name);
  if (!b) throw new Error(`no button ${name}`);
  return b as HTMLButtonElement;
}

async function type(el: HTMLInputElement, value: string) {
  await act(() => {
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

beforeEach(() => {
  root = document.createElement('div');
  document.body.appendChild(root);
  me = admin;
  calls = [];
  patchAnswer = () => Promise.resolve({ user: { ...anna, version: 5 } });
});
afterEach(() => {
  render(null, root);
  root.remove();
});

describe('admin app', () => {
  it('logs in and lists the users with who is online', async () => {
    me = null;
    await mount();
    await type(byLabel('Username'), 'admin');
    await type(byLabel('Password'), 'admin-demo');
    await act(() => button('Log in').click());
    await settle();
    expect(root.querySelector('h1')?.textContent).toBe('Users');
    expect(root.textContent).toContain('Online: ready, 1 chats');
    expect(root.querySelector('nav [aria-current="page"]')?.textContent).toBe('Users');
  });

  it("puts the server's error beside its field", async () => {
    await mount();
    await act(() => button('Edit Anna').click());
    await settle();
    expect(root.querySelector('[role="dialog"]')?.getAttribute('aria-labelledby')).toBe('panel-title');
    patchAnswer = () => Promise.reject(new ApiRequestError(400, 'invalid', 'Enter a number from 1 to 20.', 'out_of_range', { field: 'capacity', min: 1, max: 20 }));
    await type(byLabel('Chats at once'), '7');
    await act(() => button('Save').click());
    await settle();
    const capacity = byLabel('Chats at once');
    expect(capacity.getAttribute('aria-invalid')).toBe('true');
    const described = capacity.getAttribute('aria-describedby')?.split(' ') ?? [];
    expect(described.map((id) => document.getElementById(id)?.textContent?.replace('⚠', '').trim())).toContain('Enter a number from 1 to 20.');
    expect(calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({ version: 4, capacity: 7, profiles: ['sales'] });
  });

  it('checks a field before asking the server', async () => {
    await mount();
    await act(() => button('Edit Anna').click());
    await settle();
    await type(byLabel('Chats at once'), '50');
    await act(() => button('Save').click());
    await settle();
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
    expect(root.textContent).toContain('Enter a number from 1 to 20.');
    expect(root.textContent).toContain('Check the fields marked below.');
  });

  it('tells the second of two editors to reload', async () => {
    await mount();
    await act(() => button('Edit Anna').click());
    await settle();
    patchAnswer = () => Promise.reject(new ApiRequestError(409, 'conflict', 'The user was changed by someone else meanwhile.', 'stale_version'));
    await act(() => button('Save').click());
    await settle();
    const alert = root.querySelector('.panel [role="alert"]');
    expect(alert?.textContent).toContain('Someone else changed this meanwhile');
    expect(button('Reload')).toBeDefined();
  });

  it('creates the first administrator with the set-up link', async () => {
    me = null;
    await mount('/admin/setup', '#s3cret');
    expect(root.querySelector('h1')?.textContent).toBe('Set up Skranke');
    await type(byLabel('Username'), 'root');
    await type(byLabel('Display name'), 'Root');
    await type(byLabel('Password'), 'correct horse');
    await type(byLabel('Repeat the password'), 'correct horse');
    await act(() => button('Create administrator').click());
    await settle();
    expect(calls.find((c) => c.path === '/api/v1/setup' && c.method === 'POST')?.body).toEqual({
      secret: 's3cret', username: 'root', displayName: 'Root', password: 'correct horse' });
    expect(root.querySelector('nav')).not.toBeNull();
  });

  it('shows a supervisor the chat log and nothing else', async () => {
    me = sam;
    await mount('/admin', '#/users');
    expect(root.querySelector('h1')?.textContent).toBe('Chat log');
    expect(Array.from(root.querySelectorAll('nav a')).map((a) => a.textContent)).toEqual(['Chat log']);
    // No agent filter: a supervisor may not list the users.
    expect(root.querySelector('#chatlog-agent')).toBeNull();
    expect(calls.some((c) => c.path === '/api/v1/admin/users')).toBe(false);
  });

  it('searches the chat log by words and filters, highlights the words found, and pages on by the cursor', async () => {
    history.replaceState(null, '', '/admin#/chatlog');
    await mount('/admin', '#/chatlog');
    expect(calls.find((c) => c.path.startsWith('/api/v1/chatlog?'))?.path).toBe('/api/v1/chatlog?limit=25');
    await type(root.querySelector<HTMLInputElement>('#chatlog-q')!, ' rabatt ');
    const status = root.querySelector<HTMLSelectElement>('#chatlog-status')!;
    await act(() => {
      status.value = 'ended';
      status.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await act(() => button('Search').click());
    await settle();
    const last = calls.filter((c) => c.path.startsWith('/api/v1/chatlog?')).at(-1)!;
    expect(last.path).toBe('/api/v1/chatlog?q=rabatt&status=ended&limit=25');
    expect(root.querySelector('a[href="/api/v1/chatlog.csv?q=rabatt&status=ended"]')).not.toBeNull();
    expect(Array.from(root.querySelectorAll('mark')).map((m) => m.textContent)).toEqual(['rabatt', 'rabatt']);
    expect(root.querySelector('.hit.private [role="img"]')?.getAttribute('aria-label')).toBe('Private note');
    expect(root.textContent).toContain('2 chats shown; there are more.');
    expect(root.textContent).toContain('waited 5 s · handled in 3 min 5 s');
    // A date range that ends before it starts is not asked for.
    const asked = calls.length;
    await type(root.querySelector<HTMLInputElement>('#chatlog-from')!, '2026-12-05');
    await type(root.querySelector<HTMLInputElement>('#chatlog-to')!, '2026-12-01');
    await act(() => button('Search').click());
    await settle();
    expect(calls.length).toBe(asked);
    expect(root.querySelector('#chatlog-to')?.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById('chatlog-to-error')?.textContent).toContain('The end is before the start.');
    await act(() => button('Show more chats').click());
    await settle();
    expect(calls.at(-1)?.path).toBe('/api/v1/chatlog?q=rabatt&status=ended&limit=25&cursor=o2');
    expect(Array.from(root.querySelectorAll('.chat-link')).map((a) => a.id)).toEqual(['chat-c1', 'chat-c2', 'chat-c3']);
    expect(document.activeElement?.id).toBe('chat-c3');
    expect(root.textContent).not.toContain('Show more chats');
  });

  it('opens a chat at the message a search found, its private note and file marked, and deletes it after asking', async () => {
    history.replaceState(null, '', '/admin#/chatlog/c1/3');
    await mount('/admin', '#/chatlog/c1/3');
    expect(root.querySelector('h1')?.textContent).toBe('Chat with Visitor 4821');
    const note = root.querySelector('#event-3')!;
    expect(note.classList.contains('private')).toBe(true);
    expect(note.textContent).toContain('Private note');
    expect(document.activeElement).toBe(note);
    expect(note.querySelector('a.file')?.getAttribute('href')).toBe('/api/v1/conversations/c1/attachments/f1');
    expect(note.querySelector('img')?.getAttribute('src')).toBe('/api/v1/conversations/c1/attachments/f1/thumbnail');
    expect(root.querySelector('#event-2')?.textContent).toContain('Anna joined');
    expect(root.querySelector('a[download="chat-c1.json"]')?.getAttribute('href')).toBe('/api/v1/chatlog/c1/export');
    await act(() => button('Delete this chat').click());
    expect(root.querySelector('[role="alertdialog"]')?.textContent).toContain('Delete this chat?');
    expect(calls.some((c) => c.path === '/api/v1/erasures')).toBe(false);
    const dialogButtons = root.querySelectorAll<HTMLButtonElement>('[role="alertdialog"] button');
    await act(() => dialogButtons[dialogButtons.length - 1].click());
    await settle();
    expect(calls.find((c) => c.path === '/api/v1/erasures')?.body).toEqual({ conversationId: 'c1' });
    expect(location.hash).toBe('#/chatlog');
  });

  it('lists the outgoing e-mail, and only the given-up ones when asked', async () => {
    history.replaceState(null, '', '/admin#/outbox');
    await mount('/admin', '#/outbox');
    expect(root.querySelector('h1')?.textContent).toBe('Outgoing e-mail');
    expect(root.querySelectorAll('tbody tr')).toHaveLength(2);
    expect(root.textContent).toContain('Given up');
    expect(root.textContent).toContain('dial tcp: connection refused');
    expect(root.textContent).toContain('Sent');
    expect(root.querySelector('tbody a')?.getAttribute('href')).toBe('#/chatlog/c1');
    const only = Array.from(root.querySelectorAll('label')).find((l) => l.textContent === 'Only those given up')!.querySelector('input')!;
    await act(() => only.click());
    await settle();
    expect(calls.at(-1)?.path).toBe('/api/v1/outbox?failed=true');
    expect(root.querySelectorAll('tbody tr')).toHaveLength(1);
  });

  it('saves the retention, asking first when chats would be kept for less time', async () => {
    history.replaceState(null, '', '/admin#/privacy');
    await mount('/admin', '#/privacy');
    expect(root.querySelector('h1')?.textContent).toBe('Privacy');
    expect(root.textContent).toContain('No chats have been deleted.');
    expect(byLabel('Support').value).toBe('90');
    // Longer for all, Support back to the general time, erasure allowed: saved without asking.
    await type(byLabel('Keep ended chats for'), '400');
    await type(byLabel('Support'), '');
    await act(() => (root.querySelector('input[type=checkbox]') as HTMLInputElement).click());
    await act(() => button('Save').click());
    await settle();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ version: 3, retentionDays: 400, queueRetentionDays: {}, customerErasure: true });
    expect(root.textContent).toContain('Saved.');
    // Shorter for Sales: asked first, and nothing is saved until confirmed.
    const patches = () => calls.filter((c) => c.method === 'PATCH').length;
    await type(byLabel('Sales'), '30');
    await act(() => button('Save').click());
    await settle();
    expect(root.querySelector('[role="alertdialog"]')?.textContent).toContain('chats in Sales');
    expect(patches()).toBe(1);
    await act(() => button('Save and delete older chats').click());
    await settle();
    expect(patches()).toBe(2);
    expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toMatchObject({ version: 4, queueRetentionDays: { sales: 30 } });
  });

  it('turns away an agent', async () => {
    me = anna;
    await mount();
    expect(root.querySelector('h1')?.textContent).toBe('This needs a supervisor or an administrator');
    expect(root.querySelector('nav')).toBeNull();
  });
});
