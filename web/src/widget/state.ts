// The chat view's state and the reducer that builds it from the server's
// events (history replay and live), acknowledgements and the customer's own
// pending messages. It is pure: no DOM, no socket, no clock (times come in
// the actions), so the delivery rules of R16 are tested without a server.
//
// Invariants the reducer keeps:
//   - No message is shown twice: a stored event is matched to an existing
//     item by seq and, for the customer's own messages, by clientMsgId.
//   - An event whose seq is not above lastSeq is dropped (docs/protocol.md,
//     "Resume"). lastSeq moves only on events, never on acks, because an ack
//     may overtake events with lower seqs that are still on their way.
//   - Items are ordered by seq; pending items (no seq yet) follow in the
//     order they were sent.

import type { AttachmentRef, ChatEvent, ConversationStatus, CustomerConversation, MenuOption } from '../common/protocol';
import type { OutboxEntry } from './outbox';
import { clock } from '../common/language';

/** DeliveryStatus is where one of the customer's own messages stands. */
export type DeliveryStatus = 'sending' | 'sent' | 'failed';

/** SystemKind names the system lines shown in the message list. */
export type SystemKind = 'joined' | 'left' | 'requeued' | 'transferred' | 'endedByYou' | 'endedByAgent' | 'endedAway' | 'erasureRequested';

/** MessageItem is one chat message in the list. */
export interface MessageItem {
  type: 'message';
  key: string;
  seq?: number;
  time: string;
  mine: boolean;
  /** The author's display name; absent for the customer's own messages. */
  authorName?: string;
  text: string;
  clientMsgId?: string;
  status: DeliveryStatus;
  /** The files the message carries. */
  attachments?: AttachmentRef[];
}

/** SystemItem is a line about the chat itself: an agent joined, the chat ended. */
export interface SystemItem {
  type: 'system';
  key: string;
  seq: number;
  time: string;
  kind: SystemKind;
  /** The agent's name for joined and left. */
  name?: string;
}

/**
 * MenuItem is a choice menu an agent offered (R9): a question with one
 * button per option, open until the customer chose one (chosen) or the
 * agent withdrew it. Every copy of the chat learns it from the log.
 */
export interface MenuItem {
  type: 'menu';
  key: string;
  seq: number;
  time: string;
  authorName?: string;
  menuId: string;
  question: string;
  options: MenuOption[];
  status: 'open' | 'answered' | 'withdrawn';
  /** The option chosen, once answered. */
  chosen?: string;
}

export type Item = MessageItem | SystemItem | MenuItem;

/** ChatState is everything the chat view renders. */
export interface ChatState {
  items: Item[];
  /** The highest seq received in an event; the resume point. */
  lastSeq: number;
  status: ConversationStatus;
  queueId?: string;
  queueName?: string;
  /** What the queue tells a customer who waits. */
  waitingText?: string;
  /** Place in the queue while waiting (1 is next), from queue_status. */
  position?: number;
  agentsOnline?: number;
  /** The expected wait in seconds, from queue_status; undefined when the server cannot tell. */
  expectedWait?: number;
  /** The agent typing, and when we heard it last (ms since epoch). */
  typing?: { name: string; at: number };
  /** The customer asked that the chat be deleted once it has ended. */
  erasureRequested?: boolean;
}

/** typingTimeoutMs is how long a typing indicator lasts after the last typing event. */
export const typingTimeoutMs = 3000;

export type Action =
  | { type: 'welcome'; conversation: CustomerConversation }
  | { type: 'event'; event: ChatEvent; now: number }
  | { type: 'pending'; entry: OutboxEntry }
  | { type: 'ack'; clientMsgId: string; seq?: number }
  | { type: 'failed'; clientMsgId: string }
  | { type: 'tick'; now: number };

/** initialState is the state of a chat before anything has arrived. */
export function initialState(pending: OutboxEntry[] = []): ChatState {
  let s: ChatState = { items: [], lastSeq: 0, status: 'waiting' };
  for (const entry of pending) s = reduce(s, { type: 'pending', entry });
  return s;
}

/** reduce returns the state after action; it never mutates s. */
export function reduce(s: ChatState, a: Action): ChatState {
  switch (a.type) {
    case 'welcome':
      return {
        ...s,
        status: a.conversation.status,
        queueId: a.conversation.queueId,
        queueName: a.conversation.queueName,
        waitingText: a.conversation.waitingText,
        position: a.conversation.status === 'waiting' ? s.position : undefined,
      };
    case 'pending': {
      const e = a.entry;
      if (s.items.some((i) => i.type === 'message' && i.clientMsgId === e.clientMsgId)) return s;
      const item: MessageItem = {
        type: 'message',
        key: `c:${e.clientMsgId}`,
        time: e.time,
        mine: true,
        text: e.text,
        clientMsgId: e.clientMsgId,
        status: 'sending',
      };
      if (e.attachments?.length) item.attachments = e.attachments;
      return { ...s, items: [...s.items, item] };
    }
    case 'ack':
      return updateMine(s, a.clientMsgId, (i) => ({
        ...i,
        status: 'sent',
        seq: i.seq ?? a.seq,
      }));
    case 'failed':
      return updateMine(s, a.clientMsgId, (i) => (i.status === 'sending' ? { ...i, status: 'failed' } : i));
    case 'tick':
      if (s.typing && a.now - s.typing.at >= typingTimeoutMs) return { ...s, typing: undefined };
      return s;
    case 'event':
      return a.event.seq === undefined ? ephemeral(s, a.event, a.now) : stored(s, a.event, a.event.seq);
  }
}

function updateMine(s: ChatState, clientMsgId: string, f: (i: MessageItem) => MessageItem): ChatState {
  let changed = false;
  const items = s.items.map((i) => {
    if (i.type !== 'message' || i.clientMsgId !== clientMsgId) return i;
    changed = true;
    return f(i);
  });
  return changed ? { ...s, items: ordered(items) } : s;
}

function ephemeral(s: ChatState, e: ChatEvent, now: number): ChatState {
  switch (e.kind) {
    case 'typing':
      if (e.author?.role !== 'agent' || s.status === 'ended') return s;
      return { ...s, typing: { name: e.author.name || '', at: now } };
    case 'queue_status':
      return { ...s, position: e.position, agentsOnline: e.agentsOnline, expectedWait: e.expectedWait };
    default:
      return s;
  }
}

function stored(s: ChatState, e: ChatEvent, seq: number): ChatState {
  if (seq <= s.lastSeq) return s;
  const next: ChatState = { ...s, lastSeq: seq };
  // An ack may already have given an item this seq.
  if (s.items.some((i) => i.seq === seq)) {
    return e.kind === 'message' && e.clientMsgId ? confirm(next, e, seq) : next;
  }
  switch (e.kind) {
    case 'message':
      if (e.visibility !== 'all') return next; // never shown, even if a server sent it
      return confirm(next, e, seq);
    case 'started':
      return next;
    case 'agent_joined':
      return {
        ...withSystem(next, e, seq, 'joined', e.agentName),
        status: 'active',
        position: undefined,
      };
    case 'agent_left':
      return withSystem(next, e, seq, 'left', e.agentName);
    case 'menu': {
      if (!e.menuId || !e.options) return next;
      const item: MenuItem = {
        type: 'menu',
        key: `s:${seq}`,
        seq,
        time: e.time,
        authorName: e.author?.name,
        menuId: e.menuId,
        question: e.text ?? '',
        options: e.options,
        status: 'open',
      };
      return { ...next, items: ordered([...next.items, item]) };
    }
    case 'choice':
      return updateMenu(next, e.menuId, (m) => ({ ...m, status: 'answered', chosen: e.optionId }));
    case 'menu_withdrawn':
      return updateMenu(next, e.menuId, (m) => (m.status === 'open' ? { ...m, status: 'withdrawn' } : m));
    case 'erasure_requested':
      return { ...withSystem(next, e, seq, 'erasureRequested'), erasureRequested: true };
    case 'requeued':
      return { ...withSystem(next, e, seq, 'requeued'), status: 'waiting', typing: undefined };
    case 'transferred':
      // The server tells only that the chat is being transferred (R18);
      // the agent stays until another joins.
      return withSystem(next, e, seq, 'transferred');
    case 'ended':
      return {
        ...withSystem(next, e, seq, e.author?.role === 'customer' ? 'endedByYou' : e.reason === 'customer_left' ? 'endedAway' : 'endedByAgent'),
        status: 'ended',
        position: undefined,
        typing: undefined,
      };
    default:
      return next;
  }
}

// confirm merges a stored message event: into the customer's pending item
// with the same clientMsgId, or as a new item.
function confirm(s: ChatState, e: ChatEvent, seq: number): ChatState {
  const mine = e.author?.role === 'customer';
  const idx = e.clientMsgId
    ? s.items.findIndex((i) => i.type === 'message' && i.clientMsgId === e.clientMsgId)
    : -1;
  let items: Item[];
  if (idx >= 0) {
    items = s.items.slice();
    const old = items[idx] as MessageItem;
    items[idx] = { ...old, seq, time: e.time, status: 'sent', text: e.text ?? old.text, attachments: e.attachments ?? old.attachments };
  } else {
    const item: MessageItem = {
      type: 'message',
      key: `s:${seq}`,
      seq,
      time: e.time,
      mine,
      authorName: mine ? undefined : e.author?.name,
      text: e.text ?? '',
      clientMsgId: e.clientMsgId,
      status: 'sent',
    };
    if (e.attachments?.length) item.attachments = e.attachments;
    items = [...s.items, item];
  }
  // A message from the agent who was typing ends the typing indicator.
  const typing = s.typing && !mine && s.typing.name === (e.author?.name || '') ? undefined : s.typing;
  return { ...s, items: ordered(items), typing };
}

function updateMenu(s: ChatState, menuId: string | undefined, f: (m: MenuItem) => MenuItem): ChatState {
  return { ...s, items: s.items.map((i) => (i.type === 'menu' && i.menuId === menuId ? f(i) : i)) };
}

function withSystem(s: ChatState, e: ChatEvent, seq: number, kind: SystemKind, name?: string): ChatState {
  const item: SystemItem = { type: 'system', key: `s:${seq}`, seq, time: e.time, kind, name };
  return { ...s, items: ordered([...s.items, item]) };
}

// ordered sorts items by seq and puts pending ones (no seq) last, keeping
// their order. Array.prototype.sort is stable, which keeps pending items in
// the order they were sent.
function ordered(items: Item[]): Item[] {
  return items.slice().sort((a, b) => {
    if (a.seq === undefined) return b.seq === undefined ? 0 : 1;
    if (b.seq === undefined) return -1;
    return a.seq - b.seq;
  });
}

/** unreadCount counts the agents' messages and menus with a seq above readSeq. */
export function unreadCount(s: ChatState, readSeq: number): number {
  let n = 0;
  for (const i of s.items) if (((i.type === 'message' && !i.mine) || i.type === 'menu') && (i.seq ?? 0) > readSeq) n++;
  return n;
}

/** formatTime gives the local time of an ISO 8601 timestamp in the frame's locale, HH:MM ('' if unreadable). */
export function formatTime(iso: string): string {
  return clock(iso);
}
