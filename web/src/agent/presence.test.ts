// The customer's presence on the desktop: the close warning only while the
// customer is connected (R7), the tab and header lines, visitor labels, the
// announcement of a new request and its shortcut.

import { describe, expect, it } from 'vitest';
import { initialState, needsConfirm, newestOffer, reduce } from './state';
import type { Action, DesktopState } from './state';
import type { AgentWelcome, ChatEvent, Conversation } from '../common/protocol';
import { customerLabel, startedAt } from './customer';
import { presenceLine, backShowMs } from './Presence';
import { announcement, isShortcut } from './Announcer';
import { en, nb } from './texts';
import { systemText } from './lines';

const T0 = '2026-11-25T10:00:00Z';
const anna = { id: 'u-anna', username: 'anna', displayName: 'Anna', role: 'agent' as const, capacity: 3 };

function conv(id: string, p: Partial<Conversation> = {}): Conversation {
  return { id, queueId: 'sales', customerName: 'Kari', status: 'active', agents: ['u-anna'], declined: [], priority: 0, queuedAt: T0, createdAt: T0, lastSeq: 3, ...p };
}

function welcome(conversations: Conversation[]): DesktopState {
  const w: AgentWelcome = {
    type: 'welcome',
    user: anna,
    state: { userId: 'u-anna', status: 'ready', profileId: 'p1', updatedAt: T0 },
    profiles: [{ id: 'p1', name: 'Sales', queues: ['sales'] }],
    queues: [{ id: 'sales', name: 'Sales' }],
    conversations,
  };
  return reduce(initialState(), { type: 'welcome', welcome: w });
}

function ev(seq: number, kind: ChatEvent['kind'], p: Partial<ChatEvent> = {}): ChatEvent {
  return { conversationId: 'c1', seq, time: T0, kind, visibility: 'agents', author: { role: 'system' }, ...p };
}

const event = (e: ChatEvent): Action => ({ type: 'event', event: e, now: 0 });

describe('customer presence', () => {
  it('asks before closing only while the customer is connected', () => {
    let s = welcome([conv('c1', { customerConnectedAt: T0 })]);
    expect(s.tabs.c1.customer).toBe('connected');
    expect(needsConfirm(s.tabs.c1)).toBe(true);
    s = reduce(s, event(ev(4, 'customer_left')));
    expect(s.tabs.c1.customer).toBe('left');
    expect(needsConfirm(s.tabs.c1)).toBe(false);
    s = reduce(s, event(ev(5, 'customer_returned')));
    expect(s.tabs.c1.customer).toBe('connected');
    expect(needsConfirm(s.tabs.c1)).toBe(true);
  });

  it('takes the presence from a snapshot', () => {
    const s = welcome([
      conv('c1', { customerConnectedAt: T0, customerLeftAt: T0 }),
      conv('c2', { customerConnectedAt: T0 }),
      conv('c3'),
    ]);
    expect([s.tabs.c1.customer, s.tabs.c2.customer, s.tabs.c3.customer]).toEqual(['left', 'connected', 'none']);
    // A customer who never connected is not "left", and closing does not ask.
    expect(needsConfirm(s.tabs.c3)).toBe(false);
  });

  it('an event older than the snapshot does not undo it', () => {
    let s = welcome([conv('c1', { customerConnectedAt: T0, customerLeftAt: T0, lastSeq: 6 })]);
    s = reduce(s, event(ev(4, 'customer_connected')));
    expect(s.tabs.c1.customer).toBe('left');
  });

  it('says so in the header: left, then back for a while', () => {
    let s = welcome([conv('c1', { customerConnectedAt: T0 })]);
    const now = Date.parse(T0);
    expect(presenceLine(s.tabs.c1, 'Kari', now, en)).toBe('');
    s = reduce(s, event(ev(4, 'customer_left')));
    expect(presenceLine(s.tabs.c1, 'Kari', now, en)).toBe('Kari left the chat');
    expect(presenceLine(s.tabs.c1, 'Kari', now, nb)).toBe('Kari forlot chatten');
    s = reduce(s, event(ev(5, 'customer_returned')));
    expect(presenceLine(s.tabs.c1, 'Kari', now + 1000, en)).toBe('Kari is back');
    expect(presenceLine(s.tabs.c1, 'Kari', now + backShowMs, en)).toBe('');
  });

  it('has log lines for left and back, none for the first connection', () => {
    const ctx = { customer: 'Visitor 4821' };
    expect(systemText(ev(4, 'customer_connected'), ctx, en)).toBe('');
    expect(systemText(ev(4, 'customer_left'), ctx, en)).toBe('Visitor 4821 left the chat');
    expect(systemText(ev(5, 'customer_returned'), ctx, en)).toBe('Visitor 4821 is back');
    expect(systemText(ev(6, 'ended', { reason: 'customer_left', visibility: 'all' }), ctx, en)).toBe(
      'The chat ended: Visitor 4821 left and did not come back',
    );
  });
});

describe('visitor labels', () => {
  it('names a nameless customer by the server\'s number, with the time the chat started', () => {
    const s = welcome([conv('c1', { customerName: undefined, visitor: '4821', createdAt: '2026-11-25T10:42:00Z' })]);
    expect(customerLabel(s.tabs.c1, en)).toBe('Visitor 4821');
    expect(customerLabel(s.tabs.c1, nb)).toBe('Besøkende 4821');
    expect(startedAt(s.tabs.c1)).toMatch(/^\d\d:42$/);
    expect(customerLabel({ customerName: ' Kari ', visitor: '4821' }, en)).toBe('Kari');
    expect(customerLabel({}, en)).toBe('Customer');
  });
});

describe('new requests', () => {
  it('are announced with name, queue and seconds to answer', () => {
    let s = welcome([]);
    s = reduce(s, event(ev(2, 'offered', { agentId: 'u-anna', expiresAt: '2026-11-25T10:00:30Z', time: T0 })));
    const tab = { ...s.tabs.c1, customerName: 'Kari' };
    expect(announcement(tab, 'Sales', Date.parse(T0), en)).toBe('New chat request from Kari, Sales, 30 seconds to answer. Alt+Shift+N accepts.');
    expect(announcement(tab, 'Salg', Date.parse(T0) + 10_000, nb)).toBe('Ny chatforespørsel fra Kari, Salg, 20 sekunder til å svare. Alt+Shift+N godtar.');
  });

  it('the shortcut takes the newest', () => {
    let s = welcome([]);
    s = reduce(s, event(ev(2, 'offered', { agentId: 'u-anna', expiresAt: '2026-11-25T10:00:30Z', time: T0 })));
    s = reduce(s, event({ ...ev(2, 'offered', { agentId: 'u-anna', expiresAt: '2026-11-25T10:00:40Z', time: '2026-11-25T10:00:10Z' }), conversationId: 'c2' }));
    expect(newestOffer(s)?.id).toBe('c2');
    s = reduce(s, { type: 'answering', id: 'c2' });
    expect(newestOffer(s)?.id).toBe('c1');
    const key = { altKey: true, shiftKey: true, ctrlKey: false, metaKey: false, code: 'KeyN' };
    expect(isShortcut(key)).toBe(true);
    expect(isShortcut({ ...key, shiftKey: false })).toBe(false);
    expect(isShortcut({ ...key, ctrlKey: true })).toBe(false);
  });
});

describe('a snapshot older than the live events', () => {
  it('keeps who joined and whether the customer is there after it', () => {
    let s = welcome([]);
    s = reduce(s, event(ev(2, 'offered', { agentId: 'u-anna', expiresAt: '2026-11-25T10:00:30Z' })));
    s = reduce(s, event(ev(3, 'customer_connected')));
    s = reduce(s, event(ev(4, 'agent_joined', { agentId: 'u-anna', visibility: 'all' })));
    s = reduce(s, event(ev(5, 'agent_joined', { agentId: 'u-bjorn', agentName: 'Bjørn', visibility: 'all' })));
    // The conversation fetched for the offer's details was read at seq 2.
    s = reduce(s, { type: 'loaded', conversation: conv('c1', { status: 'waiting', agents: [], lastSeq: 2 }), events: [] });
    expect(s.tabs.c1.agents).toEqual(['u-anna', 'u-bjorn']);
    expect(s.tabs.c1.customer).toBe('connected');
    expect(needsConfirm(s.tabs.c1)).toBe(true);
  });
});
