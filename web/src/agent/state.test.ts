import { describe, expect, it } from 'vitest';
import { activeChats, canInvite, canSend, initialState, inviterName, needsConfirm, otherAgents, pendingOffers, reduce, resumeMap } from './state';
import type { Action, DesktopState } from './state';
import type { AgentWelcome, ChatEvent, Conversation, User } from '../common/protocol';

const anna: User = { id: 'u-anna', username: 'anna', displayName: 'Anna', role: 'agent', capacity: 3 };
const T0 = '2026-11-25T10:00:00Z';

function conv(id: string, p: Partial<Conversation> = {}): Conversation {
  return {
    id,
    queueId: 'sales',
    customerName: 'Kari',
    status: 'active',
    agents: ['u-anna'],
    declined: [],
    priority: 0,
    queuedAt: T0,
    createdAt: T0,
    lastSeq: 3,
    customerConnectedAt: T0,
    ...p,
  };
}

function welcomeOf(conversations: Conversation[]): AgentWelcome {
  return {
    type: 'welcome',
    user: anna,
    state: { userId: 'u-anna', status: 'ready', profileId: 'p1', updatedAt: T0 },
    profiles: [{ id: 'p1', name: 'Sales', queues: ['sales'] }],
    queues: [{ id: 'sales', name: 'Sales' }],
    conversations,
  };
}

function ev(conversationId: string, seq: number | undefined, kind: ChatEvent['kind'], p: Partial<ChatEvent> = {}): ChatEvent {
  return {
    conversationId,
    seq,
    time: T0,
    kind,
    visibility: 'all',
    author: { role: 'system' },
    ...p,
  };
}

const fromKari = (id: string, seq: number, text: string): ChatEvent =>
  ev(id, seq, 'message', { author: { role: 'customer', name: 'Kari' }, text });

function run(s: DesktopState, ...actions: Action[]): DesktopState {
  return actions.reduce(reduce, s);
}

function withWelcome(conversations: Conversation[]): DesktopState {
  return run(initialState(), { type: 'welcome', welcome: welcomeOf(conversations) });
}

const event = (e: ChatEvent, now = 0): Action => ({ type: 'event', event: e, now });

describe('offers', () => {
  it('a live offer opens a selected tab when nothing is selected, and accept makes it a chat', () => {
    let s = withWelcome([]);
    s = run(s, event(ev('c1', 2, 'offered', { visibility: 'agents', agentId: 'u-anna', expiresAt: '2026-11-25T10:00:30Z' })));
    expect(s.order).toEqual(['c1']);
    expect(s.tabs.c1.kind).toBe('offer');
    expect(s.tabs.c1.expiresAt).toBe('2026-11-25T10:00:30Z');
    expect(s.tabs.c1.detailsLoaded).toBe(false);
    expect(s.selected).toBe('c1');
    expect(s.offerAlerts).toBe(1);
    expect(pendingOffers(s)).toBe(1);

    s = run(s, { type: 'answering', id: 'c1' }, { type: 'accepted', id: 'c1' });
    expect(s.tabs.c1.kind).toBe('chat');
    expect(s.tabs.c1.answering).toBe(false);
    expect(canSend(s.tabs.c1)).toBe(true);
    expect(pendingOffers(s)).toBe(0);
    expect(activeChats(s)).toBe(1);

    // The agent_joined event after the ack changes nothing more.
    s = run(s, event(ev('c1', 3, 'agent_joined', { agentId: 'u-anna', agentName: 'Anna' })));
    expect(s.tabs.c1.kind).toBe('chat');
    expect(s.tabs.c1.events.map((e) => e.seq)).toEqual([2, 3]);
  });

  it('a live offer beside a selected chat is added and highlighted, not selected', () => {
    let s = withWelcome([conv('chat1')]);
    expect(s.selected).toBe('chat1');
    s = run(s, event(ev('c2', 2, 'offered', { agentId: 'u-anna', expiresAt: T0 })));
    expect(s.selected).toBe('chat1');
    expect(s.order).toEqual(['chat1', 'c2']);
    expect(s.tabs.c2.highlight).toBe(true);
    s = run(s, { type: 'select', id: 'c2' });
    expect(s.tabs.c2.highlight).toBe(false);
  });

  it('an offer to another agent opens nothing', () => {
    const s = run(withWelcome([]), event(ev('c1', 2, 'offered', { agentId: 'u-bjorn', expiresAt: T0 })));
    expect(s.order).toEqual([]);
  });

  it('reject removes the tab', () => {
    let s = run(withWelcome([]), event(ev('c1', 2, 'offered', { agentId: 'u-anna', expiresAt: T0 })));
    s = run(s, { type: 'answering', id: 'c1' }, { type: 'offerGone', id: 'c1' });
    expect(s.order).toEqual([]);
    expect(s.tabs.c1).toBeUndefined();
    expect(s.selected).toBeUndefined();
    expect(s.notices).toEqual([]);
  });

  it('a failed accept removes the tab and shows the server message', () => {
    let s = run(withWelcome([]), event(ev('c1', 2, 'offered', { agentId: 'u-anna', expiresAt: T0 })));
    s = run(s, { type: 'offerGone', id: 'c1', message: 'The offer has expired.' });
    expect(s.order).toEqual([]);
    expect(s.notices.map((n) => n.message)).toEqual(['The offer has expired.']);
  });

  it('offer_declined for me removes the offer tab with a notice', () => {
    let s = withWelcome([conv('c1', { status: 'waiting', agents: [], offer: { agentId: 'u-anna', offeredAt: T0, expiresAt: T0 } })]);
    expect(s.tabs.c1.kind).toBe('offer');
    s = run(s, event(ev('c1', 4, 'offer_declined', { agentId: 'u-anna', reason: 'expired' })));
    expect(s.order).toEqual([]);
    expect(s.notices).toHaveLength(1);
    expect(s.notices[0].key).toBe('offerExpired');
    expect(s.notices[0].vars).toEqual({ name: 'Kari' });
  });

  it('offer_declined for another agent leaves my tab alone', () => {
    let s = withWelcome([conv('c1', { status: 'waiting', agents: [], offer: { agentId: 'u-anna', offeredAt: T0, expiresAt: T0 } })]);
    s = run(s, event(ev('c1', 4, 'offer_declined', { agentId: 'u-bjorn', reason: 'expired' })));
    expect(s.order).toEqual(['c1']);
  });

  it('history replayed after the welcome does not undo the snapshot', () => {
    // Offered to me before (expired), and now again: the old decline must not close the tab.
    let s = withWelcome([conv('c1', { status: 'waiting', agents: [], lastSeq: 4, offer: { agentId: 'u-anna', offeredAt: T0, expiresAt: T0 } })]);
    s = run(
      s,
      event(ev('c1', 1, 'started', { author: { role: 'customer', name: 'Kari' }, queueId: 'sales' })),
      event(ev('c1', 2, 'offered', { agentId: 'u-anna', expiresAt: T0 })),
      event(ev('c1', 3, 'offer_declined', { agentId: 'u-anna', reason: 'expired' })),
      event(ev('c1', 4, 'offered', { agentId: 'u-anna', expiresAt: T0 })),
    );
    expect(s.order).toEqual(['c1']);
    expect(s.tabs.c1.kind).toBe('offer');
    expect(s.tabs.c1.lastSeq).toBe(4);
    expect(s.notices).toEqual([]);
    expect(s.offerAlerts).toBe(0);
  });

  it('loaded details fill in the history and the customer of a live offer', () => {
    let s = run(withWelcome([]), event(ev('c1', 3, 'offered', { agentId: 'u-anna', expiresAt: T0 })));
    s = run(s, {
      type: 'loaded',
      conversation: conv('c1', { status: 'waiting', agents: [], lastSeq: 3, offer: { agentId: 'u-anna', offeredAt: T0, expiresAt: T0 } }),
      events: [
        ev('c1', 1, 'started', { author: { role: 'customer', name: 'Kari' }, queueId: 'sales' }),
        fromKari('c1', 2, 'Hello?'),
        ev('c1', 3, 'offered', { agentId: 'u-anna', expiresAt: T0 }),
      ],
    });
    expect(s.tabs.c1.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(s.tabs.c1.customerName).toBe('Kari');
    expect(s.tabs.c1.queuedAt).toBe(T0);
    expect(s.tabs.c1.detailsLoaded).toBe(true);
    expect(s.tabs.c1.kind).toBe('offer');
  });
});

describe('events', () => {
  it('are deduplicated by seq', () => {
    let s = withWelcome([conv('c1', { lastSeq: 0 })]);
    const m = fromKari('c1', 1, 'Hi');
    s = run(s, event(m), event(m), event(fromKari('c1', 2, 'There')), event(fromKari('c1', 1, 'Hi again?')));
    expect(s.tabs.c1.events.map((e) => e.text)).toEqual(['Hi', 'There']);
    expect(s.tabs.c1.lastSeq).toBe(2);
  });

  it('match own pending messages by clientMsgId, whether the ack or the event comes first', () => {
    let s = withWelcome([conv('c1', { lastSeq: 0 })]);
    s = run(
      s,
      { type: 'sending', id: 'c1', clientMsgId: 'm1', text: 'Hello', time: T0 },
      { type: 'sending', id: 'c1', clientMsgId: 'm2', text: 'More', time: T0 },
    );
    expect(s.tabs.c1.pending.map((p) => p.clientMsgId)).toEqual(['m1', 'm2']);

    // m1: ack first, then the event.
    s = run(s, { type: 'sent', id: 'c1', clientMsgId: 'm1', seq: 1 });
    expect(s.tabs.c1.pending[0].seq).toBe(1);
    const own = (seq: number, clientMsgId: string, text: string) =>
      ev('c1', seq, 'message', { author: { role: 'agent', id: 'u-anna', name: 'Anna' }, clientMsgId, text });
    s = run(s, event(own(1, 'm1', 'Hello')));
    expect(s.tabs.c1.pending.map((p) => p.clientMsgId)).toEqual(['m2']);

    // m2: event first, then the ack.
    s = run(s, event(own(2, 'm2', 'More')), { type: 'sent', id: 'c1', clientMsgId: 'm2', seq: 2 });
    expect(s.tabs.c1.pending).toEqual([]);
    expect(s.tabs.c1.events.map((e) => e.clientMsgId)).toEqual(['m1', 'm2']);

    // The same message under another seq (a replay after a retried send) is not shown twice.
    s = run(s, event(own(3, 'm2', 'More')));
    expect(s.tabs.c1.events).toHaveLength(2);
  });

  it('keep a refused message with its reason', () => {
    let s = withWelcome([conv('c1')]);
    s = run(
      s,
      { type: 'sending', id: 'c1', clientMsgId: 'm1', text: 'x', time: T0 },
      { type: 'sendFailed', id: 'c1', clientMsgId: 'm1', message: 'The chat has ended.' },
    );
    expect(s.tabs.c1.pending[0].error).toBe('The chat has ended.');
  });

  it('count unread messages of chats that are not selected', () => {
    let s = withWelcome([conv('c1'), conv('c2', { customerName: 'Ola' })]);
    expect(s.selected).toBe('c1');
    s = run(s, event(fromKari('c2', 4, 'one')), event(fromKari('c2', 5, 'two')), event(fromKari('c1', 4, 'seen')));
    expect(s.tabs.c2.unread).toBe(2);
    expect(s.tabs.c1.unread).toBe(0);
    // Own messages are not unread.
    s = run(s, event(ev('c2', 6, 'message', { author: { role: 'agent', id: 'u-anna', name: 'Anna' }, text: 'me' })));
    expect(s.tabs.c2.unread).toBe(2);
    s = run(s, { type: 'select', id: 'c2' });
    expect(s.tabs.c2.unread).toBe(0);
  });

  it('do not count replayed history as unread', () => {
    let s = withWelcome([conv('c1'), conv('c2', { lastSeq: 2 })]);
    s = run(s, event(fromKari('c2', 1, 'old')), event(fromKari('c2', 2, 'old')), event(fromKari('c2', 3, 'new')));
    expect(s.tabs.c2.unread).toBe(1);
  });

  it('count the notices that the customer details changed, so that the panel reads them again', () => {
    let s = withWelcome([conv('c1')]);
    expect(s.tabs.c1.detailsVersion).toBeUndefined();
    s = run(s, event(ev('c1', undefined, 'customer_details', { author: { role: 'system' } })));
    s = run(s, event(ev('c1', undefined, 'customer_details', { author: { role: 'system' } })));
    expect(s.tabs.c1.detailsVersion).toBe(2);
    // Of a chat the desktop does not hold: nothing.
    const before = s;
    s = run(s, event(ev('c9', undefined, 'customer_details', { author: { role: 'system' } })));
    expect(s.tabs).toEqual(before.tabs);
  });

  it('show the typing indicator for three seconds', () => {
    let s = withWelcome([conv('c1')]);
    s = run(s, event(ev('c1', undefined, 'typing', { author: { role: 'customer', name: 'Kari' } }), 1000));
    expect(s.tabs.c1.typing).toEqual({ name: 'Kari', until: 4000 });
    s = run(s, event(fromKari('c1', 4, 'done')));
    expect(s.tabs.c1.typing).toBeUndefined();
    // My own typing echo is ignored.
    s = run(s, event(ev('c1', undefined, 'typing', { author: { role: 'agent', id: 'u-anna' } }), 1000));
    expect(s.tabs.c1.typing).toBeUndefined();
  });
});

describe('ending and closing', () => {
  it('a chat the customer ended disables the input and closes without confirmation', () => {
    let s = withWelcome([conv('c1')]);
    expect(needsConfirm(s.tabs.c1)).toBe(true);
    s = run(s, event(ev('c1', 4, 'ended', { author: { role: 'customer', name: 'Kari' } })));
    const tab = s.tabs.c1;
    expect(tab.status).toBe('ended');
    expect(tab.over).toEqual({ kind: 'ended', by: { role: 'customer', name: 'Kari' } });
    expect(canSend(tab)).toBe(false);
    expect(needsConfirm(tab)).toBe(false);
    expect(activeChats(s)).toBe(0);
  });

  it('an active chat needs confirmation; end then closes it after the ack', () => {
    let s = withWelcome([conv('c1'), conv('c2')]);
    expect(needsConfirm(s.tabs.c1)).toBe(true);
    s = run(s, { type: 'ending', id: 'c1' });
    expect(canSend(s.tabs.c1)).toBe(false);
    s = run(s, { type: 'close', id: 'c1' });
    expect(s.order).toEqual(['c2']);
    expect(s.selected).toBe('c2');
  });

  it('an offer tab never needs confirmation', () => {
    const s = run(withWelcome([]), event(ev('c1', 2, 'offered', { agentId: 'u-anna', expiresAt: T0 })));
    expect(needsConfirm(s.tabs.c1)).toBe(false);
  });

  it('being dropped from a chat makes it over', () => {
    let s = withWelcome([conv('c1')]);
    s = run(s, event(ev('c1', 4, 'agent_left', { agentId: 'u-anna', agentName: 'Anna', reason: 'disconnected' })));
    expect(s.tabs.c1.over).toEqual({ kind: 'left', reason: 'disconnected' });
    expect(needsConfirm(s.tabs.c1)).toBe(false);
  });

  it('a chat that ended while offered removes the offer', () => {
    let s = run(withWelcome([]), event(ev('c1', 2, 'offered', { agentId: 'u-anna', expiresAt: T0 })));
    s = run(s, event(ev('c1', 3, 'ended', { author: { role: 'customer' } })));
    expect(s.order).toEqual([]);
  });

  it('closing the selected tab selects its neighbour', () => {
    let s = withWelcome([conv('a'), conv('b'), conv('c')]);
    s = run(s, { type: 'select', id: 'b' }, { type: 'close', id: 'b' });
    expect(s.selected).toBe('c');
    s = run(s, { type: 'close', id: 'c' });
    expect(s.selected).toBe('a');
  });
});

describe('agent status and reconnecting', () => {
  it('shows the missed-offers pause until ready again', () => {
    let s = withWelcome([]);
    s = run(s, event(ev('', undefined, 'agent_status', { agentId: 'u-anna', status: 'paused', reason: 'missed_offers' })));
    expect(s.status).toBe('paused');
    expect(s.missedOffersPause).toBe(true);
    s = run(s, { type: 'agentState', state: { userId: 'u-anna', status: 'ready', profileId: 'p1', updatedAt: T0 } });
    expect(s.status).toBe('ready');
    expect(s.missedOffersPause).toBe(false);
  });

  it('resumes each tab after its last seq', () => {
    let s = withWelcome([conv('c1', { lastSeq: 0 })]);
    s = run(s, event(fromKari('c1', 1, 'a')), event(fromKari('c1', 2, 'b')));
    // A live offer without its history asks for all of it.
    s = run(s, event(ev('c2', 5, 'offered', { agentId: 'u-anna', expiresAt: T0 })));
    expect(resumeMap(s)).toEqual({ c1: 2 });
  });

  it('a welcome drops offers that are gone; an unlisted chat learns its end from the events the server resends', () => {
    let s = withWelcome([conv('c1'), conv('c2', { status: 'waiting', agents: [], offer: { agentId: 'u-anna', offeredAt: T0, expiresAt: T0 } })]);
    s = run(s, { type: 'welcome', welcome: welcomeOf([]) });
    expect(s.order).toEqual(['c1']);
    expect(s.tabs.c1.stale).toBe(false); // no special read: the missed events follow the welcome
    expect(s.tabs.c1.over).toBeUndefined();
    s = run(s, event(ev('c1', 4, 'ended', { author: { role: 'customer' } })));
    expect(s.tabs.c1.over).toEqual({ kind: 'ended', by: { role: 'customer' } });
  });
});

const annaAuthor = { role: 'agent' as const, id: 'u-anna', name: 'Anna' };
const inviteBjorn = (seq: number, p: Partial<ChatEvent> = {}) =>
  ev('c1', seq, 'invited', { visibility: 'agents', author: annaAuthor, agentId: 'u-bjorn', agentName: 'Bjørn', expiresAt: '2026-11-25T10:00:30Z', text: 'Help?', ...p });
const declined = (seq: number, agentId: string | undefined, reason: string, p: Partial<ChatEvent> = {}) =>
  ev('c1', seq, 'invitation_declined', { visibility: 'agents', agentId, reason, ...p });

describe('invitations in my chat (R10)', () => {
  it('invited makes one pending: Invite is disabled until it ends', () => {
    let s = withWelcome([conv('c1')]);
    expect(canInvite(s.tabs.c1)).toBe(true);
    s = run(s, event(inviteBjorn(4)));
    expect(s.tabs.c1.invitation).toEqual({
      agentId: 'u-bjorn',
      agentName: 'Bjørn',
      queueId: undefined,
      invitedBy: 'u-anna',
      offeredAt: T0,
      expiresAt: '2026-11-25T10:00:30Z',
    });
    expect(canInvite(s.tabs.c1)).toBe(false);
    expect(canSend(s.tabs.c1)).toBe(true);
    expect(s.order).toEqual(['c1']); // no tab for somebody else's invitation
    expect(s.offerAlerts).toBe(0);
  });

  it('a declined named invitation is over', () => {
    for (const reason of ['rejected', 'expired', 'disconnected', 'withdrawn']) {
      const s = run(withWelcome([conv('c1')]), event(inviteBjorn(4)), event(declined(5, 'u-bjorn', reason)));
      expect(s.tabs.c1.invitation, reason).toBeUndefined();
      expect(canInvite(s.tabs.c1), reason).toBe(true);
    }
  });

  it('a declined queue invitation stays pending without an invitee, the system passes it on, and it ends when nobody is left', () => {
    let s = run(withWelcome([conv('c1')]), event(inviteBjorn(4, { queueId: 'support' })));
    s = run(s, event(declined(5, 'u-bjorn', 'rejected')));
    expect(s.tabs.c1.invitation).toMatchObject({ agentId: undefined, agentName: undefined, queueId: 'support', invitedBy: 'u-anna' });
    expect(canInvite(s.tabs.c1)).toBe(false);

    s = run(s, event(ev('c1', 6, 'invited', { visibility: 'agents', agentId: 'u-carla', agentName: 'Carla', queueId: 'support', expiresAt: T0 })));
    expect(s.tabs.c1.invitation).toMatchObject({ agentId: 'u-carla', agentName: 'Carla', queueId: 'support', invitedBy: 'u-anna' });

    s = run(s, event(declined(7, 'u-carla', 'expired')), event(declined(8, undefined, 'unavailable', { queueId: 'support' })));
    expect(s.tabs.c1.invitation).toBeUndefined();
    expect(canInvite(s.tabs.c1)).toBe(true);
  });

  it('a withdrawn queue invitation is over at once', () => {
    const s = run(withWelcome([conv('c1')]), event(inviteBjorn(4, { queueId: 'support' })), event(declined(5, 'u-bjorn', 'withdrawn', { author: annaAuthor })));
    expect(s.tabs.c1.invitation).toBeUndefined();
  });

  it('the invitee joining ends it and adds an agent', () => {
    let s = run(withWelcome([conv('c1')]), event(inviteBjorn(4)));
    expect(otherAgents(s.tabs.c1, 'u-anna')).toEqual([]);
    s = run(s, event(ev('c1', 5, 'agent_joined', { agentId: 'u-bjorn', agentName: 'Bjørn' })));
    expect(s.tabs.c1.invitation).toBeUndefined();
    expect(otherAgents(s.tabs.c1, 'u-anna')).toEqual(['u-bjorn']);
    s = run(s, event(ev('c1', 6, 'agent_left', { agentId: 'u-bjorn', agentName: 'Bjørn', reason: 'left' })));
    expect(otherAgents(s.tabs.c1, 'u-anna')).toEqual([]);
  });

  it('comes from the welcome and REST snapshots, and history does not undo it', () => {
    const pending = { agentId: 'u-bjorn', invitedBy: 'u-anna', offeredAt: T0, expiresAt: T0, declined: [] };
    let s = withWelcome([conv('c1', { lastSeq: 4, agents: ['u-anna', 'u-carla'], invitation: pending })]);
    expect(s.tabs.c1.invitation).toMatchObject({ agentId: 'u-bjorn', invitedBy: 'u-anna' });
    expect(otherAgents(s.tabs.c1, 'u-anna')).toEqual(['u-carla']);
    // The replayed history, including an earlier invitation's decline.
    s = run(s, event(inviteBjorn(2)), event(declined(3, 'u-bjorn', 'rejected')), event(inviteBjorn(4)));
    expect(s.tabs.c1.invitation).toMatchObject({ agentId: 'u-bjorn' });
    // A later snapshot without one clears it.
    s = run(s, { type: 'loaded', conversation: conv('c1', { lastSeq: 5 }), events: [] });
    expect(s.tabs.c1.invitation).toBeUndefined();
  });

  it('is cleared when the chat ends', () => {
    const s = run(withWelcome([conv('c1')]), event(inviteBjorn(4)), event(ev('c1', 5, 'ended', { author: { role: 'customer' } })));
    expect(s.tabs.c1.invitation).toBeUndefined();
  });

  it('leaving marks the tab and stops writing; a failure says why', () => {
    let s = run(withWelcome([conv('c1')]), { type: 'leaving', id: 'c1' });
    expect(canSend(s.tabs.c1)).toBe(false);
    s = run(s, { type: 'leaveFailed', id: 'c1', message: 'Try again.' });
    expect(canSend(s.tabs.c1)).toBe(true);
    expect(s.notices.map((n) => n.message)).toEqual(['Try again.']);
  });
});

describe('an invitation to me (R10)', () => {
  const invitedMe = (seq: number, p: Partial<ChatEvent> = {}) =>
    ev('c9', seq, 'invited', {
      visibility: 'agents',
      author: { role: 'agent', id: 'u-bjorn', name: 'Bjørn' },
      agentId: 'u-anna',
      agentName: 'Anna',
      expiresAt: '2026-11-25T10:00:30Z',
      text: 'Can you take over?',
      ...p,
    });

  it('opens an invitation tab like an offer, with who invites and the note; accept makes it a chat', () => {
    let s = run(withWelcome([]), event(invitedMe(5)));
    const tab = s.tabs.c9;
    expect(tab.kind).toBe('invitation');
    expect(tab.detailsLoaded).toBe(false); // the client fetches the conversation so far
    expect(tab.expiresAt).toBe('2026-11-25T10:00:30Z');
    expect(tab.invitedBy).toEqual({ inviterId: 'u-bjorn', inviterName: 'Bjørn', note: 'Can you take over?', queueId: undefined });
    expect(inviterName(tab)).toBe('Bjørn');
    expect(s.selected).toBe('c9');
    expect(s.offerAlerts).toBe(1);
    expect(pendingOffers(s)).toBe(1);
    expect(needsConfirm(tab)).toBe(false);
    expect(canSend(tab)).toBe(false);

    s = run(s, {
      type: 'loaded',
      conversation: conv('c9', {
        agents: ['u-bjorn'],
        lastSeq: 5,
        invitation: { agentId: 'u-anna', invitedBy: 'u-bjorn', note: 'Can you take over?', offeredAt: T0, expiresAt: '2026-11-25T10:00:30Z', declined: [] },
      }),
      events: [fromKari('c9', 1, 'Hi'), ev('c9', 2, 'message', { visibility: 'agents', author: { role: 'agent', id: 'u-bjorn', name: 'Bjørn' }, text: 'secret' }), invitedMe(5)],
    });
    expect(s.tabs.c9.kind).toBe('invitation');
    expect(s.tabs.c9.events.map((e) => e.seq)).toEqual([1, 2, 5]);
    expect(s.tabs.c9.customerName).toBe('Kari');

    s = run(s, { type: 'answering', id: 'c9' }, { type: 'accepted', id: 'c9' }, event(ev('c9', 6, 'agent_joined', { agentId: 'u-anna', agentName: 'Anna' })));
    expect(s.tabs.c9.kind).toBe('chat');
    expect(canSend(s.tabs.c9)).toBe(true);
    expect(s.tabs.c9.events).toHaveLength(4);
    expect(otherAgents(s.tabs.c9, 'u-anna')).toEqual(['u-bjorn']);
    expect(pendingOffers(s)).toBe(0);
  });

  it('names the inviter of a queue invitation the system passed on', () => {
    let s = run(withWelcome([]), event(invitedMe(7, { author: { role: 'system' }, queueId: 'sales' })));
    expect(s.tabs.c9.invitedBy).toMatchObject({ note: 'Can you take over?', queueId: 'sales' });
    expect(inviterName(s.tabs.c9)).toBe('');
    s = run(s, {
      type: 'loaded',
      conversation: conv('c9', { agents: ['u-bjorn'], lastSeq: 7, invitation: { agentId: 'u-anna', invitedBy: 'u-bjorn', queueId: 'sales', offeredAt: T0, expiresAt: T0, declined: ['u-carla'] } }),
      events: [ev('c9', 2, 'agent_joined', { agentId: 'u-bjorn', agentName: 'Bjørn' }), invitedMe(7, { author: { role: 'system' }, queueId: 'sales' })],
    });
    expect(s.tabs.c9.invitedBy?.inviterId).toBe('u-bjorn');
    expect(inviterName(s.tabs.c9)).toBe('Bjørn');
  });

  it('a decline for me removes the tab, with a notice unless I rejected it', () => {
    const cases: [string, string | undefined][] = [
      ['expired', 'invitationExpired'],
      ['withdrawn', 'invitationWithdrawnNotice'],
      ['disconnected', 'invitationEnded'],
      ['rejected', undefined],
    ];
    for (const [reason, key] of cases) {
      let s = run(withWelcome([conv('c1')]), event(invitedMe(5)));
      expect(s.selected).toBe('c1');
      expect(s.tabs.c9.highlight).toBe(true); // beside a selected chat
      s = run(s, event(ev('c9', 6, 'invitation_declined', { visibility: 'agents', agentId: 'u-anna', reason })));
      expect(s.order, reason).toEqual(['c1']);
      expect(s.notices.map((n) => n.key), reason).toEqual(key ? [key] : []);
    }
  });

  it('an invitation for somebody else in a chat I hold does not open a tab; a reject removes mine', () => {
    let s = run(withWelcome([]), event(invitedMe(5)));
    s = run(s, { type: 'answering', id: 'c9' }, { type: 'offerGone', id: 'c9' });
    expect(s.order).toEqual([]);
    s = run(s, event(ev('c8', 3, 'invited', { agentId: 'u-bjorn', author: annaAuthor, expiresAt: T0 })));
    expect(s.order).toEqual([]);
  });

  it('comes from the welcome after a reload, and a welcome without it drops it', () => {
    const c = conv('c9', { agents: ['u-bjorn'], invitation: { agentId: 'u-anna', invitedBy: 'u-bjorn', note: 'n', offeredAt: T0, expiresAt: T0, declined: [] } });
    let s = withWelcome([c]);
    expect(s.tabs.c9.kind).toBe('invitation');
    expect(s.tabs.c9.invitedBy).toMatchObject({ inviterId: 'u-bjorn', note: 'n' });
    expect(s.tabs.c9.invitation).toBeUndefined();
    s = run(s, { type: 'welcome', welcome: welcomeOf([]) });
    expect(s.order).toEqual([]);
  });

  it('the chat ending removes the invitation tab', () => {
    let s = run(withWelcome([]), event(invitedMe(5)));
    s = run(s, event(ev('c9', 6, 'ended', { author: { role: 'customer' } })));
    expect(s.order).toEqual([]);
    expect(s.notices.map((n) => n.key)).toEqual(['invitationEnded']);
  });
});

describe('private mode (R11)', () => {
  it('is per tab and marks pending messages', () => {
    let s = withWelcome([conv('c1'), conv('c2')]);
    expect(s.tabs.c1.private).toBe(false);
    s = run(s, { type: 'private', id: 'c1', on: true });
    expect(s.tabs.c1.private).toBe(true);
    expect(s.tabs.c2.private).toBe(false);
    s = run(s, { type: 'sending', id: 'c1', clientMsgId: 'm1', text: 'psst', time: T0, private: true }, { type: 'sending', id: 'c2', clientMsgId: 'm2', text: 'hi', time: T0 });
    expect(s.tabs.c1.pending[0].private).toBe(true);
    expect(s.tabs.c2.pending[0].private).toBeUndefined();
    s = run(s, { type: 'private', id: 'c1', on: false });
    expect(s.tabs.c1.private).toBe(false);
  });
});

describe('a supervisor (R19)', () => {
  it('moving a chat offered to me withdraws the offer', () => {
    let s = run(withWelcome([]), event(ev('c7', 2, 'offered', { visibility: 'agents', agentId: 'u-anna', expiresAt: T0 })));
    expect(s.tabs.c7.kind).toBe('offer');
    s = run(s, event(ev('c7', 3, 'rerouted', { visibility: 'agents', author: { role: 'supervisor', id: 'u-sofie', name: 'Sofie' }, queueId: 'support' })));
    expect(s.tabs.c7).toBeUndefined();
    expect(s.notices.map((n) => n.key)).toEqual(['offerWithdrawn']);
  });

  it('pausing me tells me so', () => {
    const s = run(withWelcome([]), event(ev('', undefined, 'agent_status', { agentId: 'u-anna', status: 'paused', profileId: 'p1', reason: 'supervisor' })));
    expect(s.status).toBe('paused');
    expect(s.notices.map((n) => n.key)).toEqual(['pausedBySupervisor']);
  });
});

describe('transfers (R18)', () => {
  const transferTo = (seq: number, p: Partial<ChatEvent> = {}) =>
    ev('c1', seq, 'transferred', { author: annaAuthor, queueId: 'support', note: 'billing', expiresAt: '2026-11-25T10:02:00Z', ...p });

  it('my transfer to a queue is pending, looks for an agent, and when nobody accepts I keep the chat and am told', () => {
    let s = run(withWelcome([conv('c1')]), event(transferTo(4)));
    expect(s.tabs.c1.invitation).toMatchObject({ agentId: undefined, queueId: 'support', invitedBy: 'u-anna', transfer: true });
    expect(canInvite(s.tabs.c1)).toBe(false);
    expect(canSend(s.tabs.c1)).toBe(true); // I stay in the chat meanwhile
    s = run(s, event(ev('c1', 5, 'invited', { visibility: 'agents', agentId: 'u-carla', agentName: 'Carla', queueId: 'support', expiresAt: T0, transfer: true })));
    expect(s.tabs.c1.invitation).toMatchObject({ agentId: 'u-carla', transfer: true });
    s = run(s, event(declined(6, 'u-carla', 'rejected')), event(declined(7, undefined, 'unavailable', { queueId: 'support' })));
    expect(s.tabs.c1.invitation).toBeUndefined();
    expect(s.tabs.c1.over).toBeUndefined();
    expect(s.notices.map((n) => n.key)).toEqual(['transferFailed']);
  });

  it('once the receiver accepts, I am taken out: the tab says I handed the chat on', () => {
    let s = run(withWelcome([conv('c1')]), event(transferTo(4, { queueId: undefined, agentId: 'u-bjorn', agentName: 'Bjørn' })));
    expect(s.tabs.c1.invitation).toMatchObject({ agentId: 'u-bjorn', transfer: true, offeredAt: T0 });
    s = run(s, event(ev('c1', 5, 'agent_joined', { agentId: 'u-bjorn', agentName: 'Bjørn' })));
    s = run(s, event(ev('c1', 6, 'agent_left', { agentId: 'u-anna', agentName: 'Anna', reason: 'transferred' })));
    expect(s.tabs.c1.over).toEqual({ kind: 'left', reason: 'transferred' });
    expect(canSend(s.tabs.c1)).toBe(false);
    expect(s.notices).toEqual([]);
  });

  it('a transfer to me opens an offer-like tab with the note', () => {
    const s = run(withWelcome([]), event(ev('c9', 4, 'transferred', { author: { role: 'agent', id: 'u-bjorn', name: 'Bjørn' }, agentId: 'u-anna', agentName: 'Anna', note: 'VIP', expiresAt: T0 })));
    expect(s.tabs.c9.kind).toBe('invitation');
    expect(s.tabs.c9.invitedBy).toMatchObject({ inviterName: 'Bjørn', note: 'VIP', transfer: true });
    expect(pendingOffers(s)).toBe(1);
  });
});
