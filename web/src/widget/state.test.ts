import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../common/protocol';
import type { OutboxEntry } from './outbox';
import { formatTime, initialState, reduce, typingTimeoutMs, unreadCount, type Action, type ChatState, type MessageItem } from './state';

const T = '2026-11-25T10:00:00Z';
const anna = { role: 'agent' as const, name: 'Anna' };
const me = { role: 'customer' as const, name: 'Kari' };

function ev(seq: number | undefined, kind: ChatEvent['kind'], extra: Partial<ChatEvent> = {}): Action {
  return { type: 'event', now: 1000, event: { seq, kind, time: T, visibility: 'all', author: anna, ...extra } };
}
const agentMsg = (seq: number, text: string) => ev(seq, 'message', { text });
const myMsg = (seq: number, id: string, text: string) => ev(seq, 'message', { text, author: me, clientMsgId: id });
const pending = (id: string, text = `text ${id}`): Action => ({
  type: 'pending',
  entry: { clientMsgId: id, conversationId: 'c1', text, time: T },
});

function run(actions: Action[], s: ChatState = initialState()): ChatState {
  return actions.reduce(reduce, s);
}
const messages = (s: ChatState) => s.items.filter((i): i is MessageItem => i.type === 'message');
const texts = (s: ChatState) => messages(s).map((m) => `${m.text}${m.seq ? '#' + m.seq : ''}:${m.status}`);

describe('reduce', () => {
  it('merges history and live events in seq order and drops repeats', () => {
    const s = run([ev(1, 'started', { author: me }), agentMsg(3, 'b'), agentMsg(2, 'a'), agentMsg(3, 'b'), agentMsg(4, 'c')]);
    // seq 2 came after 3: it is not above lastSeq, so it is dropped (the server never does this).
    expect(texts(s)).toEqual(['b#3:sent', 'c#4:sent']);
    expect(s.lastSeq).toBe(4);
  });

  it('replays the same history twice without duplicates', () => {
    const history = [ev(1, 'started', { author: me }), ev(2, 'agent_joined', { agentName: 'Anna' }), agentMsg(3, 'hi')];
    const s = run([...history, ...history]);
    expect(s.items).toHaveLength(2);
    expect(s.status).toBe('active');
  });

  it('shows a pending message at once and confirms it by clientMsgId', () => {
    let s = run([agentMsg(1, 'hello'), pending('m1', 'hi there')]);
    expect(texts(s)).toEqual(['hello#1:sent', 'hi there:sending']);
    s = reduce(s, myMsg(2, 'm1', 'hi there'));
    expect(texts(s)).toEqual(['hello#1:sent', 'hi there#2:sent']);
    expect(messages(s)[1].mine).toBe(true);
    expect(messages(s)[1].key).toBe('c:m1'); // keeps its key, so the DOM node stays
  });

  it('confirms by ack without moving lastSeq, then dedupes the event by seq and id', () => {
    let s = run([agentMsg(1, 'a'), pending('m1')]);
    s = reduce(s, { type: 'ack', clientMsgId: 'm1', seq: 3 });
    expect(texts(s)).toEqual(['a#1:sent', 'text m1#3:sent']);
    expect(s.lastSeq).toBe(1);
    // Seq 2 from the agent was still on its way: it is kept and goes before ours.
    s = run([agentMsg(2, 'b'), myMsg(3, 'm1', 'text m1')], s);
    expect(texts(s)).toEqual(['a#1:sent', 'b#2:sent', 'text m1#3:sent']);
    expect(s.lastSeq).toBe(3);
  });

  it('keeps pending messages last, in the order they were sent', () => {
    const s = run([pending('m1'), pending('m2'), agentMsg(5, 'x'), pending('m1')]);
    expect(texts(s)).toEqual(['x#5:sent', 'text m1:sending', 'text m2:sending']);
  });

  it('restores outbox entries as pending after a reload and matches the replay', () => {
    const outbox: OutboxEntry[] = [{ clientMsgId: 'm1', conversationId: 'c1', text: 'lost?', time: T }];
    let s = initialState(outbox);
    expect(texts(s)).toEqual(['lost?:sending']);
    // The server had stored it before the reload: the replay confirms it.
    s = run([agentMsg(1, 'a'), myMsg(2, 'm1', 'lost?')], s);
    expect(texts(s)).toEqual(['a#1:sent', 'lost?#2:sent']);
  });

  it("shows the customer's messages from another tab as their own", () => {
    const s = run([myMsg(1, 'other-tab', 'from tab 2')]);
    expect(messages(s)[0]).toMatchObject({ mine: true, status: 'sent', text: 'from tab 2' });
  });

  it('marks a refused message failed', () => {
    const s = run([pending('m1'), { type: 'failed', clientMsgId: 'm1' }]);
    expect(texts(s)).toEqual(['text m1:failed']);
  });

  it('never shows an agents-only message', () => {
    const s = run([ev(1, 'message', { text: 'secret', visibility: 'agents' })]);
    expect(s.items).toEqual([]);
    expect(s.lastSeq).toBe(1);
  });

  it('tracks the queue position, agents online, joins, requeues and the end', () => {
    let s = run([
      ev(1, 'started', { author: me }),
      ev(undefined, 'queue_status', { position: 3, agentsOnline: 0 }),
      ev(undefined, 'queue_status', { position: 2, agentsOnline: 1 }),
    ]);
    expect(s).toMatchObject({ status: 'waiting', position: 2, agentsOnline: 1, lastSeq: 1 });
    s = run([ev(2, 'agent_joined', { agentName: 'Anna' })], s);
    expect(s.status).toBe('active');
    expect(s.position).toBeUndefined();
    s = run([ev(3, 'transferred')], s);
    expect(s.status).toBe('active');
    s = run([ev(4, 'agent_left', { agentName: 'Anna', reason: 'disconnected' }), ev(5, 'requeued', { reason: 'no_agents' })], s);
    expect(s.status).toBe('waiting');
    s = run([ev(6, 'ended', { author: me })], s);
    expect(s.status).toBe('ended');
    expect(s.items.map((i) => (i.type === 'system' ? `${i.kind}:${i.name ?? ''}` : i.type === 'message' ? i.text : i.question))).toEqual([
      'joined:Anna',
      'transferred:',
      'left:Anna',
      'requeued:',
      'endedByYou:',
    ]);
    const byAgent = run([ev(1, 'ended', { author: anna })]);
    expect(byAgent.items[0]).toMatchObject({ type: 'system', kind: 'endedByAgent' });
  });

  it("records the customer's request to delete the chat, once, as a line of its own", () => {
    const s = run([ev(1, 'started', { author: me }), ev(2, 'erasure_requested', { author: me }), ev(2, 'erasure_requested', { author: me })]);
    expect(s.erasureRequested).toBe(true);
    expect(s.items.map((i) => (i.type === 'system' ? i.kind : i.type))).toEqual(['erasureRequested']);
    expect(run([ev(1, 'started', { author: me })]).erasureRequested).toBeUndefined();
  });

  it('takes status and queue name from welcome', () => {
    const s = reduce(initialState(), {
      type: 'welcome',
      conversation: { id: 'c1', queueId: 'sales', queueName: 'Sales', status: 'active', createdAt: T },
    });
    expect(s).toMatchObject({ status: 'active', queueName: 'Sales' });
  });

  it('shows typing until 3 s pass or the agent sends a message', () => {
    let s = run([{ type: 'event', now: 1000, event: { kind: 'typing', time: T, visibility: 'all', author: anna } }]);
    expect(s.typing).toEqual({ name: 'Anna', at: 1000 });
    expect(reduce(s, { type: 'tick', now: 1000 + typingTimeoutMs - 1 }).typing).toBeDefined();
    expect(reduce(s, { type: 'tick', now: 1000 + typingTimeoutMs }).typing).toBeUndefined();
    s = reduce(s, agentMsg(1, 'done'));
    expect(s.typing).toBeUndefined();
    // The customer's own typing (echoed or not) never shows.
    s = reduce(s, { type: 'event', now: 2000, event: { kind: 'typing', time: T, visibility: 'all', author: me } });
    expect(s.typing).toBeUndefined();
  });

  it('counts unread agent messages above the read seq', () => {
    const s = run([agentMsg(1, 'a'), myMsg(2, 'm', 'b'), agentMsg(3, 'c'), agentMsg(4, 'd')]);
    expect(unreadCount(s, 0)).toBe(3);
    expect(unreadCount(s, 3)).toBe(1);
    expect(unreadCount(s, 4)).toBe(0);
  });
});

describe('formatTime', () => {
  it('gives HH:MM in local time', () => {
    const d = new Date(2026, 10, 25, 9, 5);
    expect(formatTime(d.toISOString())).toBe('09:05');
    expect(formatTime('garbage')).toBe('');
  });
});

describe('choice menus', () => {
  const options = [
    { id: '1', label: 'Upgrade my plan' },
    { id: '2', label: 'Cancel' },
  ];
  const menuEv = (seq: number, menuId: string): ChatEvent => ({
    conversationId: 'c1', seq, time: '2026-12-01T10:00:00Z', kind: 'menu' as const, visibility: 'all' as const,
    author: { role: 'agent' as const, name: 'Anna' }, text: 'What can we help with?', menuId, options,
  });
  const later = (seq: number, kind: 'choice' | 'menu_withdrawn', extra: Partial<ChatEvent>): ChatEvent => ({
    conversationId: 'c1', seq, time: '2026-12-01T10:01:00Z', kind, visibility: 'all' as const,
    author: { role: kind === 'choice' ? ('customer' as const) : ('agent' as const) }, ...extra,
  });
  const step = (s: ChatState, event: ChatEvent) => reduce(s, { type: 'event', event, now: 0 });

  it('shows a menu open, then answered with the option chosen, on every copy', () => {
    let s = step(initialState(), menuEv(3, 'm1'));
    expect(s.items).toMatchObject([{ type: 'menu', menuId: 'm1', question: 'What can we help with?', status: 'open', authorName: 'Anna' }]);
    s = step(s, later(4, 'choice', { menuId: 'm1', optionId: '2', text: 'Cancel' }));
    expect(s.items).toMatchObject([{ type: 'menu', status: 'answered', chosen: '2' }]);
    expect(s.lastSeq).toBe(4);
    // A replay after a reload builds the same state.
    const again = [menuEv(3, 'm1'), later(4, 'choice', { menuId: 'm1', optionId: '2', text: 'Cancel' })].reduce(step, initialState());
    expect(again.items).toEqual(s.items);
  });

  it('shows a withdrawn menu as no longer available, and a later choice does not reopen it', () => {
    let s = step(initialState(), menuEv(3, 'm1'));
    s = step(s, later(4, 'menu_withdrawn', { menuId: 'm1' }));
    expect(s.items).toMatchObject([{ status: 'withdrawn' }]);
    s = step(s, menuEv(5, 'm2'));
    s = step(s, later(6, 'choice', { menuId: 'm2', optionId: '1' }));
    expect(s.items.map((i) => (i.type === 'menu' ? i.status : ''))).toEqual(['withdrawn', 'answered']);
  });

  it('counts an unread menu', () => {
    const s = step(initialState(), menuEv(3, 'm1'));
    expect(unreadCount(s, 2)).toBe(1);
    expect(unreadCount(s, 3)).toBe(0);
  });
});
