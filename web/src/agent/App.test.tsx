import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { App } from './App';
import { AgentClient } from './client';
import type { ApiFn, SocketLike } from './client';
import type { SocketOptions } from '../common/socket';
import { ApiRequestError } from '../common/rest';
import type { AckFrame, Conversation, User } from '../common/protocol';
import { en, nb, reasonTexts } from './texts';
import type { Texts } from './texts';
import type { ReasonTexts } from '../common/errors';

const anna: User = { id: 'u-anna', username: 'anna', displayName: 'Anna Agent', role: 'agent', capacity: 2 };
const T0 = '2026-11-25T10:00:00Z';

function conv(id: string, p: Partial<Conversation> = {}): Conversation {
  return { id, queueId: 'sales', customerName: 'Kari', status: 'active', agents: ['u-anna'], declined: [], priority: 0, queuedAt: T0, createdAt: T0, lastSeq: 0, customerConnectedAt: T0, ...p };
}

class FakeSocket implements SocketLike {
  requests: { frame: Record<string, unknown>; resolve: (a: AckFrame) => void; reject: (e: Error) => void }[] = [];
  sent: object[] = [];
  constructor(readonly opts: SocketOptions) {}
  start() {
    this.opts.onState?.('open');
  }
  stop() {}
  send(frame: object) {
    this.sent.push(frame);
  }
  request(frame: Record<string, unknown>): Promise<AckFrame> {
    return new Promise((resolve, reject) => this.requests.push({ frame, resolve, reject }));
  }
}

let root: HTMLElement;
let socket: FakeSocket | undefined;
let loggedIn = true;

const api: ApiFn = <T,>(method: string, path: string, body?: unknown): Promise<T> => {
  if (path === '/api/v1/me') {
    if (!loggedIn) return Promise.reject(new ApiRequestError(401, 'unauthenticated', 'Log in first.'));
    return Promise.resolve({ user: anna, state: { userId: 'u-anna', status: 'paused', updatedAt: T0 }, profiles: [], queues: [] } as T);
  }
  if (path === '/api/v1/login') {
    const b = body as { password: string };
    if (b.password !== 'secret') return Promise.reject(new ApiRequestError(401, 'unauthenticated', 'Wrong username or password.', 'login_incorrect'));
    loggedIn = true;
    return Promise.resolve({ user: anna } as T);
  }
  if (path === '/api/v1/agents') {
    return Promise.resolve({
      agents: [
        { id: 'u-anna', displayName: 'Anna Agent', online: true, status: 'ready', load: 1, capacity: 2, available: true },
        { id: 'u-bjorn', displayName: 'Bjørn', online: true, status: 'ready', load: 1, capacity: 3, available: true },
        { id: 'u-carla', displayName: 'Carla', online: true, status: 'paused', load: 0, capacity: 3, available: false },
        { id: 'u-dina', displayName: 'Dina', online: true, status: 'ready', load: 3, capacity: 3, available: false },
      ],
      queues: [{ queueId: 'sales', waiting: 0, agentsOnline: 3, agentsReady: 2, agentsAvailable: 2 }],
    } as T);
  }
  return Promise.reject(new ApiRequestError(404, 'not_found', `no ${method} ${path}`));
};

async function settle() {
  for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
}

async function mount(texts: Texts = en, reasons?: ReasonTexts) {
  const client = new AgentClient({
    api,
    createSocket: (o) => {
      socket = new FakeSocket(o);
      return socket;
    },
    reasons,
  });
  await act(() => render(<App client={client} texts={texts} />, root));
  await settle();
  return client;
}

async function welcome(conversations: Conversation[]) {
  await act(() =>
    socket!.opts.onFrame({
      type: 'welcome',
      user: anna,
      state: { userId: 'u-anna', status: 'paused', updatedAt: T0 },
      profiles: [{ id: 'p1', name: 'Sales desk', queues: ['sales'] }],
      queues: [{ id: 'sales', name: 'Sales' }],
      conversations,
    }),
  );
}

const q = <E extends Element = HTMLElement>(sel: string) => root.querySelector<E>(sel);
const byLabel = <E extends Element = HTMLElement>(label: string) => q<E>(`[aria-label="${label}"]`);
const button = (text: string) =>
  Array.from(root.querySelectorAll('button')).find((b) => b.textContent?.trim() === text) as HTMLButtonElement | undefined;

function key(el: Element, k: string, shift = false) {
  el.dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey: shift, bubbles: true, cancelable: true }));
}

beforeEach(() => {
  root = document.createElement('div');
  document.body.appendChild(root);
  loggedIn = true;
  socket = undefined;
});
afterEach(() => {
  render(null, root);
  root.remove();
});

describe('login', () => {
  it('shows the form on 401 and the server message on a bad password', async () => {
    loggedIn = false;
    await mount();
    const user = q<HTMLInputElement>('#login-username')!;
    const pass = q<HTMLInputElement>('#login-password')!;
    expect(q('label[for="login-username"]')?.textContent).toBe('Username');
    expect(q('label[for="login-password"]')?.textContent).toBe('Password');
    user.value = 'anna';
    await act(() => void user.dispatchEvent(new Event('input', { bubbles: true })));
    pass.value = 'wrong';
    await act(() => void pass.dispatchEvent(new Event('input', { bubbles: true })));
    await act(() => void q('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })));
    await settle();
    expect(q('[role="alert"]')?.textContent).toBe('Wrong username or password.');

    pass.value = 'secret';
    await act(() => void pass.dispatchEvent(new Event('input', { bubbles: true })));
    await act(() => void q('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })));
    await settle();
    expect(q('.me')?.textContent).toBe('Anna Agent');
  });

  it("says a refused login in the agent's language, from the server's reason", async () => {
    loggedIn = false;
    await mount(nb, reasonTexts.nb);
    const field = (label: string) => {
      const l = Array.from(root.querySelectorAll('label')).find((l) => l.textContent === label);
      return root.querySelector<HTMLInputElement>(`#${l?.htmlFor}`)!;
    };
    for (const [label, value] of [['Brukernavn', 'anna'], ['Passord', 'wrong']]) {
      field(label).value = value;
      await act(() => void field(label).dispatchEvent(new Event('input', { bubbles: true })));
    }
    await act(() => void button('Logg inn')!.closest('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })));
    await settle();
    expect(q('[role="alert"]')?.textContent).toBe('Feil brukernavn eller passord.');
  });
});

describe('desktop', () => {
  it('shows the top bar controls with accessible names', async () => {
    await mount();
    await welcome([]);
    expect(q('label[for="profile-select"]')?.textContent).toBe('Profile');
    expect(button('Ready')?.getAttribute('aria-pressed')).toBe('false');
    expect(button('Paused')?.getAttribute('aria-pressed')).toBe('true');
    expect(q('.conn[role="status"]')?.textContent).toBe('Connected');

    // Ready without a profile asks for one and sends nothing.
    await act(() => button('Ready')!.click());
    expect(q('#profile-hint')?.textContent).toBe(en.chooseProfileFirst);
    expect(socket!.requests).toEqual([]);

    const select = q<HTMLSelectElement>('#profile-select')!;
    select.value = 'p1';
    await act(() => void select.dispatchEvent(new Event('change', { bubbles: true })));
    expect(socket!.requests[0].frame).toEqual({ type: 'status', status: 'paused', profileId: 'p1' });
  });

  it('shows the missed-offers notice', async () => {
    await mount();
    await welcome([]);
    await act(() =>
      socket!.opts.onFrame({ type: 'event', event: { time: T0, kind: 'agent_status', visibility: 'agents', author: { role: 'system' }, agentId: 'u-anna', status: 'paused', reason: 'missed_offers' } }),
    );
    expect(root.textContent).toContain('You were paused after 3 missed offers');
  });

  it('shows an offer with Accept and Reject and sets the title', async () => {
    await mount();
    await welcome([conv('c1', { status: 'waiting', agents: [], offer: { agentId: 'u-anna', offeredAt: T0, expiresAt: T0 } })]);
    expect(q('[role="tab"]')?.textContent).toContain('Kari');
    expect(document.title).toBe('(1) New chat — Skranke');
    await act(() => button('Accept')!.click());
    expect(socket!.requests[0].frame).toEqual({ type: 'accept', conversationId: 'c1' });
    await act(() => socket!.requests[0].resolve({ type: 'ack', requestId: 'x', seq: 2 }));
    await settle();
    expect(q('textarea')).not.toBeNull();
    expect(document.title).toBe(en.appTitle);
  });

  it('sends on Enter, not on Shift+Enter, and shows the message as sending', async () => {
    await mount();
    await welcome([conv('c1')]);
    const ta = q<HTMLTextAreaElement>('textarea')!;
    expect(q(`label[for="${ta.id}"]`)?.textContent).toBe('Message');
    ta.value = 'Hello Kari';
    await act(() => void ta.dispatchEvent(new Event('input', { bubbles: true })));
    await act(() => key(ta, 'Enter', true));
    expect(socket!.requests).toEqual([]);
    await act(() => key(ta, 'Enter'));
    expect(socket!.requests[0].frame).toMatchObject({ type: 'send', conversationId: 'c1', text: 'Hello Kari' });
    expect(q('[role="log"]')?.textContent).toContain('Sending…');
  });

  it('asks before ending an active chat; Escape cancels, End chat ends it', async () => {
    await mount();
    await welcome([conv('c1')]);
    await act(() => byLabel<HTMLButtonElement>('Close chat with Kari')!.click());
    const dialog = q('[role="alertdialog"]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.textContent).toContain('The customer is still connected. End this chat?');
    expect(dialog.contains(document.activeElement)).toBe(true);

    // Tab stays inside.
    await act(() => key(document.activeElement!, 'Tab'));
    expect(dialog.contains(document.activeElement)).toBe(true);
    await act(() => key(document.activeElement!, 'Tab'));
    expect(dialog.contains(document.activeElement)).toBe(true);

    await act(() => key(document.activeElement!, 'Escape'));
    expect(q('[role="alertdialog"]')).toBeNull();
    expect(socket!.requests).toEqual([]);

    await act(() => byLabel<HTMLButtonElement>('Close chat with Kari')!.click());
    await act(() => button('End chat')!.click());
    expect(socket!.requests[0].frame).toEqual({ type: 'end', conversationId: 'c1' });
    expect(q('[role="tab"]')).not.toBeNull();
    await act(() => socket!.requests[0].resolve({ type: 'ack', requestId: 'x', seq: 1 }));
    await settle();
    expect(q('[role="tab"]')).toBeNull();
    expect(q('[role="alertdialog"]')).toBeNull();
  });

  it('after the customer ended the chat, says so, disables input and closes without asking', async () => {
    await mount();
    await welcome([conv('c1')]);
    await act(() =>
      socket!.opts.onFrame({ type: 'event', event: { conversationId: 'c1', seq: 1, time: T0, kind: 'ended', visibility: 'all', author: { role: 'customer', name: 'Kari' } } }),
    );
    expect(root.textContent).toContain('The customer ended the chat');
    expect(q<HTMLTextAreaElement>('textarea')!.disabled).toBe(true);
    await act(() => byLabel<HTMLButtonElement>('Close chat with Kari')!.click());
    expect(q('[role="alertdialog"]')).toBeNull();
    expect(q('[role="tab"]')).toBeNull();
    expect(socket!.requests).toEqual([]);
  });

  it('moves between tabs with the arrow keys and counts unread messages', async () => {
    await mount();
    await welcome([conv('c1'), conv('c2', { customerName: 'Ola' })]);
    await act(() =>
      socket!.opts.onFrame({ type: 'event', event: { conversationId: 'c2', seq: 1, time: T0, kind: 'message', visibility: 'all', author: { role: 'customer', name: 'Ola' }, text: 'hei' } }),
    );
    expect(byLabel('1 unread')?.textContent).toBe('1');
    const tabs = root.querySelectorAll<HTMLElement>('[role="tab"]');
    expect(tabs[0].getAttribute('aria-selected')).toBe('true');
    await act(() => key(tabs[0], 'ArrowRight'));
    expect(tabs[1].getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(tabs[1]);
    expect(byLabel('1 unread')).toBeNull();
  });
});

describe('agents together (R10, R11)', () => {
  const radio = (name: string) =>
    Array.from(root.querySelectorAll<HTMLInputElement>('input[type="radio"]')).find((r) => r.closest('label')?.textContent?.trim() === name);

  it('the invite dialog lists colleagues with status, load and reasons, sends the invitation and closes', async () => {
    await mount();
    await welcome([conv('c1')]);
    await act(() => byLabel<HTMLButtonElement>('Invite a colleague')!.click());
    await settle();
    const dialog = q('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(q(`#${dialog.getAttribute('aria-labelledby')}`)?.textContent).toBe('Invite a colleague');
    expect(dialog.contains(document.activeElement)).toBe(true);
    expect(radio('Anna Agent')).toBeUndefined(); // not myself
    expect(radio('Bjørn')!.disabled).toBe(false);
    expect(radio('Bjørn')!.checked).toBe(true); // the first who can take it
    expect(radio('Carla')!.disabled).toBe(true);
    expect(radio('Dina')!.disabled).toBe(true);
    const describedBy = (name: string) => q(`#${radio(name)!.getAttribute('aria-describedby')}`)?.textContent;
    expect(describedBy('Bjørn')).toBe('Ready 1 of 3 chats');
    expect(describedBy('Carla')).toContain('Paused');
    expect(describedBy('Dina')).toContain('No room for another chat');

    // Tab stays inside; Escape closes.
    for (let i = 0; i < 8; i++) {
      await act(() => key(document.activeElement!, 'Tab'));
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
    await act(() => key(document.activeElement!, 'Escape'));
    expect(q('[role="dialog"]')).toBeNull();

    await act(() => byLabel<HTMLButtonElement>('Invite a colleague')!.click());
    await settle();
    const note = q<HTMLTextAreaElement>('[role="dialog"] textarea')!;
    expect(q(`label[for="${note.id}"]`)?.textContent).toContain('Note for your colleague');
    note.value = 'Please help';
    await act(() => void note.dispatchEvent(new Event('input', { bubbles: true })));
    await act(() => button('Send invitation')!.click());
    expect(socket!.requests[0].frame).toEqual({ type: 'invite', conversationId: 'c1', agentId: 'u-bjorn', note: 'Please help' });
    await act(() => socket!.requests[0].reject(new Error('Bjørn has no room for another chat.')));
    await settle();
    expect(q('[role="dialog"] [role="alert"]')?.textContent).toBe('Bjørn has no room for another chat.');
    await act(() => button('Send invitation')!.click());
    await act(() => socket!.requests[1].resolve({ type: 'ack', requestId: 'x', seq: 4 }));
    await settle();
    expect(q('[role="dialog"]')).toBeNull();
  });

  it('shows a pending invitation with Withdraw and asks before leaving', async () => {
    await mount();
    await welcome([conv('c1', { invitation: { agentId: 'u-bjorn', invitedBy: 'u-anna', offeredAt: T0, expiresAt: T0, declined: [] } })]);
    await act(() =>
      socket!.opts.onFrame({ type: 'event', event: { conversationId: 'c1', seq: 1, time: T0, kind: 'invited', visibility: 'agents', author: { role: 'agent', id: 'u-anna', name: 'Anna Agent' }, agentId: 'u-bjorn', agentName: 'Bjørn', expiresAt: T0 } }),
    );
    expect(byLabel('Invite a colleague')).toBeNull();
    expect(button('Invitation pending')!.disabled).toBe(true);
    expect(root.textContent).toContain('Waiting for Bjørn to answer…');
    await act(() => button('Withdraw')!.click());
    expect(socket!.requests[0].frame).toEqual({ type: 'withdraw', conversationId: 'c1' });

    await act(() => button('Leave chat')!.click());
    const dialog = q('[role="alertdialog"]')!;
    expect(dialog.textContent).toContain('Bjørn is invited; if nobody accepts, the chat goes back to the queue.');
    await act(() => Array.from(dialog.querySelectorAll('button')).find((b) => b.textContent === 'Leave chat')!.click());
    expect(socket!.requests[1].frame).toEqual({ type: 'leave', conversationId: 'c1' });
    await act(() => socket!.requests[1].resolve({ type: 'ack', requestId: 'x', seq: 5 }));
    await settle();
    expect(q('[role="tab"]')).toBeNull();
  });

  it('the private toggle changes the input and marks what is sent', async () => {
    await mount();
    await welcome([conv('c1')]);
    const toggle = byLabel<HTMLButtonElement>('Private message')!;
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    expect(toggle.title).toBe('Only agents see private messages');
    await act(() => toggle.click());
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    const ta = q<HTMLTextAreaElement>('textarea')!;
    expect(ta.placeholder).toBe('Private note to agents…');
    expect(root.textContent).toContain('Private — the customer cannot see this');
    ta.value = 'psst';
    await act(() => void ta.dispatchEvent(new Event('input', { bubbles: true })));
    expect(socket!.sent).toEqual([{ type: 'typing', conversationId: 'c1', private: true }]);
    await act(() => key(ta, 'Enter'));
    expect(socket!.requests[0].frame).toMatchObject({ type: 'send', text: 'psst', private: true });
    expect(q('.msg-private [role="img"]')?.getAttribute('aria-label')).toBe('private');
  });
});
