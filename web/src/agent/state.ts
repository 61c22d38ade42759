// The agent desktop's state and the reducer that changes it. Plain
// TypeScript without a DOM, so every rule is unit-tested (state.test.ts).
//
// Each offer and each chat is a tab, keyed by conversation id. A tab holds the
// conversation's stored events in seq order, deduplicated by seq and by
// clientMsgId, and the agent's own messages that are not yet in the log
// (pending). Events up to a tab's snapshotSeq were already summed up by a
// conversation snapshot (welcome or a REST load): they fill the history but
// change nothing else (no unread counts, notices or tab changes). Later events
// are live and drive the tab: an offer becomes a chat on agent_joined, goes
// away on offer_declined, a chat is over on ended or when the agent leaves it.

import type { ConnectionState } from '../common/socket';
import type {
  AgentState as ServerAgentState,
  AgentStatus,
  AgentWelcome,
  ChatEvent,
  Conversation,
  ConversationStatus,
  Participant,
  Profile,
  Queue,
  User,
} from '../common/protocol';
import type { TextKey } from './texts';

/** How long a typing indicator shows after the last typing event. */
export const typingShowMs = 3000;

export type TabKind = 'offer' | 'chat';

/** Why a chat is over for this agent: it ended, or the agent is no longer in it. */
export type Over = { kind: 'ended'; by: Participant } | { kind: 'left'; reason: 'left' | 'disconnected' };

/** PendingMessage is one of the agent's own messages not yet seen in the log. */
export interface PendingMessage {
  clientMsgId: string;
  text: string;
  time: string;
  /** seq from the ack, while the event itself has not arrived. */
  seq?: number;
  /** set when the server refused the message for good. */
  error?: string;
}

export interface Tab {
  id: string;
  kind: TabKind;
  queueId?: string;
  customerName?: string;
  status: ConversationStatus;
  queuedAt?: string;
  offeredAt?: string;
  expiresAt?: string;
  /** accept or reject is on its way. */
  answering: boolean;
  /** stored events, ascending seq, no duplicates. */
  events: ChatEvent[];
  lastSeq: number;
  snapshotSeq: number;
  /** details (customer, queue, history) are known; otherwise the client fetches them. */
  detailsLoaded: boolean;
  /** a chat the welcome did not list: the client fetches it to learn what happened. */
  stale: boolean;
  pending: PendingMessage[];
  unread: number;
  /** a new offer the agent has not looked at. */
  highlight: boolean;
  typing?: { name?: string; until: number };
  over?: Over;
  /** end is on its way. */
  ending: boolean;
}

/** Notice is a brief message at the top of the desktop: a text key, or a server message. */
export interface Notice {
  id: number;
  key?: TextKey;
  vars?: Record<string, string>;
  message?: string;
}

export interface DesktopState {
  me?: User;
  profiles: Profile[];
  queues: Queue[];
  status: AgentStatus;
  profileId?: string;
  /** the server paused the agent after missed offers; cleared on ready. */
  missedOffersPause: boolean;
  connection: ConnectionState;
  everConnected: boolean;
  order: string[];
  tabs: Record<string, Tab>;
  selected?: string;
  notices: Notice[];
  nextNoticeId: number;
  /** grows by one for each new live offer; the UI beeps when it changes. */
  offerAlerts: number;
}

export type Action =
  | { type: 'me'; user: User; state?: ServerAgentState; profiles: Profile[]; queues: Queue[] }
  | { type: 'welcome'; welcome: AgentWelcome }
  | { type: 'event'; event: ChatEvent; now: number }
  | { type: 'loaded'; conversation: Conversation; events: ChatEvent[] }
  | { type: 'loadFailed'; id: string }
  | { type: 'connection'; state: ConnectionState }
  | { type: 'select'; id: string }
  | { type: 'close'; id: string }
  | { type: 'answering'; id: string }
  | { type: 'accepted'; id: string }
  | { type: 'offerGone'; id: string; message?: string }
  | { type: 'answerFailed'; id: string; message: string }
  | { type: 'sending'; id: string; clientMsgId: string; text: string; time: string }
  | { type: 'sent'; id: string; clientMsgId: string; seq?: number }
  | { type: 'sendFailed'; id: string; clientMsgId: string; message: string }
  | { type: 'ending'; id: string }
  | { type: 'endFailed'; id: string; message: string }
  | { type: 'agentState'; state: ServerAgentState }
  | { type: 'notice'; key?: TextKey; vars?: Record<string, string>; message?: string }
  | { type: 'dismiss'; id: number };

export function initialState(): DesktopState {
  return {
    profiles: [],
    queues: [],
    status: 'paused',
    missedOffersPause: false,
    connection: 'closed',
    everConnected: false,
    order: [],
    tabs: {},
    notices: [],
    nextNoticeId: 1,
    offerAlerts: 0,
  };
}

function newTab(id: string, kind: TabKind): Tab {
  return {
    id,
    kind,
    status: kind === 'offer' ? 'waiting' : 'active',
    answering: false,
    events: [],
    lastSeq: 0,
    snapshotSeq: 0,
    detailsLoaded: false,
    stale: false,
    pending: [],
    unread: 0,
    highlight: false,
    ending: false,
  };
}

// ---- Queries used by the UI and the client.

/** needsConfirm tells whether closing the tab must ask first (R7): a chat whose customer is still there. */
export function needsConfirm(tab: Tab): boolean {
  return tab.kind === 'chat' && !tab.over;
}

/** canSend tells whether the agent can write in the tab. */
export function canSend(tab: Tab): boolean {
  return tab.kind === 'chat' && !tab.over && !tab.ending;
}

/** resumeMap gives the hello's resume positions: the last seq held per tab. */
export function resumeMap(s: DesktopState): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of s.order) {
    const tab = s.tabs[id];
    // A tab created from a live event without its history asks for all of it.
    if (tab.lastSeq > 0 && tab.detailsLoaded) out[id] = tab.lastSeq;
  }
  return out;
}

/** pendingOffers counts open offer tabs. */
export function pendingOffers(s: DesktopState): number {
  return s.order.filter((id) => s.tabs[id].kind === 'offer').length;
}

/** activeChats counts chats the agent holds that are not over. */
export function activeChats(s: DesktopState): number {
  return s.order.filter((id) => s.tabs[id].kind === 'chat' && !s.tabs[id].over).length;
}

/** queueName gives a queue's name, or its id when unknown. */
export function queueName(s: DesktopState, queueId: string | undefined): string {
  if (!queueId) return '';
  return s.queues.find((q) => q.id === queueId)?.name ?? queueId;
}

// ---- The reducer.

export function reduce(s: DesktopState, a: Action): DesktopState {
  switch (a.type) {
    case 'me':
      return {
        ...s,
        me: a.user,
        profiles: a.profiles,
        queues: a.queues,
        status: a.state?.status ?? s.status,
        profileId: a.state?.profileId || s.profileId,
      };
    case 'welcome':
      return welcome(s, a.welcome);
    case 'event':
      return a.event.seq === undefined ? ephemeral(s, a.event, a.now) : stored(s, a.event);
    case 'loaded':
      return loaded(s, a.conversation, a.events);
    case 'loadFailed':
      // Show what we have rather than ask again and again.
      return patch(s, a.id, { detailsLoaded: true, stale: false });
    case 'connection':
      return { ...s, connection: a.state, everConnected: s.everConnected || a.state === 'open' };
    case 'select':
      return s.tabs[a.id] ? select(s, a.id) : s;
    case 'close':
      return removeTab(s, a.id);
    case 'answering':
      return patch(s, a.id, { answering: true });
    case 'accepted': {
      const tab = s.tabs[a.id];
      if (!tab) return s;
      return patch(s, a.id, { kind: 'chat', status: 'active', answering: false, highlight: false, over: undefined });
    }
    case 'offerGone': {
      const next = s.tabs[a.id]?.kind === 'offer' ? removeTab(s, a.id) : s;
      return a.message ? notice(next, { message: a.message }) : next;
    }
    case 'answerFailed':
      return notice(patch(s, a.id, { answering: false }), { message: a.message });
    case 'sending': {
      const tab = s.tabs[a.id];
      if (!tab || tab.pending.some((p) => p.clientMsgId === a.clientMsgId)) return s;
      return patch(s, a.id, { pending: [...tab.pending, { clientMsgId: a.clientMsgId, text: a.text, time: a.time }] });
    }
    case 'sent': {
      const tab = s.tabs[a.id];
      if (!tab) return s;
      const inLog = tab.events.some((e) => e.clientMsgId === a.clientMsgId || (a.seq !== undefined && e.seq === a.seq));
      const pending = inLog
        ? tab.pending.filter((p) => p.clientMsgId !== a.clientMsgId)
        : tab.pending.map((p) => (p.clientMsgId === a.clientMsgId ? { ...p, seq: a.seq, error: undefined } : p));
      return patch(s, a.id, { pending });
    }
    case 'sendFailed': {
      const tab = s.tabs[a.id];
      if (!tab) return s;
      const pending = tab.pending.map((p) => (p.clientMsgId === a.clientMsgId ? { ...p, error: a.message } : p));
      return patch(s, a.id, { pending });
    }
    case 'ending':
      return patch(s, a.id, { ending: true });
    case 'endFailed':
      return notice(patch(s, a.id, { ending: false }), { message: a.message });
    case 'agentState':
      return agentState(s, a.state.status, a.state.profileId, false);
    case 'notice':
      return notice(s, { key: a.key, vars: a.vars, message: a.message });
    case 'dismiss':
      return { ...s, notices: s.notices.filter((n) => n.id !== a.id) };
  }
}

function patch(s: DesktopState, id: string, p: Partial<Tab>): DesktopState {
  const tab = s.tabs[id];
  if (!tab) return s;
  return { ...s, tabs: { ...s.tabs, [id]: { ...tab, ...p } } };
}

function putTab(s: DesktopState, tab: Tab): DesktopState {
  const order = s.order.includes(tab.id) ? s.order : [...s.order, tab.id];
  return { ...s, order, tabs: { ...s.tabs, [tab.id]: tab } };
}

function select(s: DesktopState, id: string): DesktopState {
  const next = { ...s, selected: id };
  return patch(next, id, { unread: 0, highlight: false });
}

function removeTab(s: DesktopState, id: string): DesktopState {
  if (!s.tabs[id]) return s;
  const i = s.order.indexOf(id);
  const order = s.order.filter((x) => x !== id);
  const tabs = { ...s.tabs };
  delete tabs[id];
  let next: DesktopState = { ...s, order, tabs };
  if (s.selected === id) {
    next.selected = undefined;
    const neighbour = order[Math.min(i, order.length - 1)];
    if (neighbour) next = select(next, neighbour);
  }
  return next;
}

function notice(s: DesktopState, n: Omit<Notice, 'id'>): DesktopState {
  const id = s.nextNoticeId;
  // Keep the list short: a storm of expiries must not fill the screen.
  const notices = [...s.notices, { ...n, id }].slice(-4);
  return { ...s, notices, nextNoticeId: id + 1 };
}

function agentState(s: DesktopState, status: AgentStatus, profileId: string | undefined, missed: boolean): DesktopState {
  return {
    ...s,
    status,
    profileId: profileId || s.profileId,
    missedOffersPause: status === 'ready' ? false : missed || s.missedOffersPause,
  };
}

/** displayName is the customer's name for notices ("Customer" when unknown is up to the UI). */
function displayName(tab: Tab): string {
  return tab.customerName ?? '';
}

/**
 * applySnapshot brings a tab in line with a conversation snapshot. It returns
 * undefined when the tab has nothing left to show (an offer that is no longer
 * this agent's).
 */
function applySnapshot(tab: Tab, conv: Conversation, me: string | undefined): Tab | undefined {
  const t: Tab = {
    ...tab,
    queueId: conv.queueId || tab.queueId,
    customerName: conv.customerName || tab.customerName,
    queuedAt: conv.queuedAt || tab.queuedAt,
    status: conv.status,
    detailsLoaded: true,
    stale: false,
  };
  const mine = (conv.agents ?? []).includes(me ?? '');
  if (conv.status === 'waiting' && conv.offer && conv.offer.agentId === me) {
    if (tab.kind === 'chat' && !tab.over) return t; // accepted meanwhile; the snapshot is behind
    return { ...t, kind: 'offer', offeredAt: conv.offer.offeredAt, expiresAt: conv.offer.expiresAt, over: undefined };
  }
  if (tab.kind === 'offer' && !(mine && conv.status === 'active')) return undefined;
  if (conv.status === 'active' && mine) return { ...t, kind: 'chat', over: tab.over?.kind === 'ended' ? undefined : tab.over };
  if (conv.status === 'ended') {
    const ended = [...t.events].reverse().find((e) => e.kind === 'ended');
    return { ...t, kind: 'chat', over: { kind: 'ended', by: ended?.author ?? { role: 'system' } } };
  }
  // Active or waiting without this agent: the agent left it.
  return { ...t, kind: 'chat', over: tab.over ?? { kind: 'left', reason: 'left' } };
}

function welcome(s: DesktopState, w: AgentWelcome): DesktopState {
  const me = w.user.id;
  let next: DesktopState = {
    ...s,
    me: w.user,
    profiles: w.profiles ?? [],
    queues: w.queues ?? [],
    status: w.state?.status ?? s.status,
    profileId: w.state?.profileId || s.profileId,
  };
  const listed = new Set<string>();
  for (const conv of w.conversations ?? []) {
    listed.add(conv.id);
    const existing = next.tabs[conv.id];
    const isOffer = conv.status === 'waiting' && conv.offer?.agentId === me;
    let tab = existing ?? newTab(conv.id, isOffer ? 'offer' : 'chat');
    // A new tab's history replays after the welcome; it is history. An
    // existing tab's missed events are news and count as such.
    if (!existing) tab = { ...tab, snapshotSeq: conv.lastSeq };
    const updated = applySnapshot(tab, conv, me);
    if (updated) next = putTab(next, updated);
    else next = removeTab(next, conv.id);
  }
  for (const id of [...next.order]) {
    if (listed.has(id)) continue;
    const tab = next.tabs[id];
    if (tab.kind === 'offer') next = removeTab(next, id);
    else if (!tab.over) next = patch(next, id, { stale: true });
  }
  if (!next.selected || !next.tabs[next.selected]) {
    const first = next.order.find((id) => next.tabs[id].kind === 'chat') ?? next.order[0];
    next = first ? select(next, first) : { ...next, selected: undefined };
  }
  return next;
}

function loaded(s: DesktopState, conv: Conversation, events: ChatEvent[]): DesktopState {
  let tab = s.tabs[conv.id];
  if (!tab) return s;
  const stale = conv.lastSeq < tab.lastSeq;
  tab = { ...tab, snapshotSeq: Math.max(tab.snapshotSeq, conv.lastSeq) };
  for (const e of events) if (e.seq !== undefined) tab = mergeEvent(tab, e).tab;
  if (stale) {
    // The snapshot is older than what we hold: take its details only.
    return putTab(s, {
      ...tab,
      queueId: tab.queueId ?? conv.queueId,
      customerName: tab.customerName ?? conv.customerName,
      queuedAt: tab.queuedAt ?? conv.queuedAt,
      detailsLoaded: true,
    });
  }
  const updated = applySnapshot(tab, conv, s.me?.id);
  return updated ? putTab(s, updated) : removeTab(s, conv.id);
}

/**
 * mergeEvent puts a stored event into a tab's log unless it holds it already
 * (same seq, or a message with the same clientMsgId). It reports whether the
 * event is new and beyond everything held before (live).
 */
function mergeEvent(tab: Tab, e: ChatEvent): { tab: Tab; added: boolean; live: boolean } {
  const seq = e.seq ?? 0;
  const dup = seq <= tab.lastSeq && tab.events.some((x) => x.seq === seq);
  const dupMsg = e.clientMsgId !== undefined && e.kind === 'message' && tab.events.some((x) => x.clientMsgId === e.clientMsgId);
  if (dup) return { tab, added: false, live: false };
  // The same message again under a later seq (a resent message the server
  // stored twice) is shown once; the position still moves on.
  if (dupMsg) return { tab: { ...tab, lastSeq: Math.max(tab.lastSeq, seq) }, added: false, live: false };
  let events: ChatEvent[];
  if (seq > tab.lastSeq) events = [...tab.events, e];
  else {
    events = [...tab.events, e].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  }
  const pending = e.clientMsgId ? tab.pending.filter((p) => p.clientMsgId !== e.clientMsgId) : tab.pending;
  let next: Tab = { ...tab, events, pending, lastSeq: Math.max(tab.lastSeq, seq) };
  // Facts every event may carry, whether history or live.
  if (e.kind === 'started') {
    next = { ...next, queueId: next.queueId ?? e.queueId, customerName: next.customerName ?? e.author?.name };
  }
  if (e.kind === 'ended' && next.kind === 'chat' && next.status === 'ended') {
    next = { ...next, over: { kind: 'ended', by: e.author ?? { role: 'system' } } };
  }
  return { tab: next, added: true, live: seq > tab.lastSeq && seq > tab.snapshotSeq };
}

function stored(s: DesktopState, e: ChatEvent): DesktopState {
  const id = e.conversationId;
  if (!id) return s;
  const me = s.me?.id;
  const aboutMe = e.agentId !== undefined && e.agentId === me;
  let created = false;
  let tab = s.tabs[id];
  if (!tab) {
    if (e.kind === 'offered' && aboutMe) tab = newTab(id, 'offer');
    else if (e.kind === 'agent_joined' && aboutMe) tab = newTab(id, 'chat');
    else return s;
    created = true;
  }
  const m = mergeEvent(tab, e);
  if (!m.added) return m.tab === tab || created ? s : putTab(s, m.tab);
  tab = m.tab;
  if (!m.live) return putTab(s, tab);

  let next = s;
  switch (e.kind) {
    case 'offered':
      if (!aboutMe || (tab.kind === 'chat' && !tab.over)) break;
      tab = {
        ...tab,
        kind: 'offer',
        status: 'waiting',
        offeredAt: e.time,
        expiresAt: e.expiresAt,
        answering: false,
        over: undefined,
        unread: 0,
      };
      next = { ...next, offerAlerts: next.offerAlerts + 1 };
      if (next.selected && next.selected !== id && next.tabs[next.selected]) {
        tab = { ...tab, highlight: true };
        return putTab(next, tab);
      }
      return select(putTab(next, tab), id);
    case 'offer_declined':
      if (!aboutMe || tab.kind !== 'offer') break;
      next = removeTab(putTab(next, tab), id);
      if (e.reason === 'expired') return notice(next, { key: 'offerExpired', vars: { name: displayName(tab) } });
      if (e.reason === 'disconnected') return notice(next, { key: 'offerWithdrawn', vars: { name: displayName(tab) } });
      return next;
    case 'agent_joined':
      if (aboutMe) tab = { ...tab, kind: 'chat', status: 'active', answering: false, over: undefined };
      else if (tab.status !== 'ended') tab = { ...tab, status: 'active' };
      break;
    case 'agent_left':
      if (aboutMe && tab.kind === 'chat' && !tab.over) {
        tab = { ...tab, over: { kind: 'left', reason: e.reason === 'disconnected' ? 'disconnected' : 'left' } };
      }
      break;
    case 'requeued':
      tab = { ...tab, status: 'waiting' };
      if (tab.kind === 'chat' && !tab.over) tab = { ...tab, over: { kind: 'left', reason: 'left' } };
      break;
    case 'ended':
      if (tab.kind === 'offer') {
        next = removeTab(putTab(next, tab), id);
        return notice(next, { key: 'offerWithdrawn', vars: { name: displayName(tab) } });
      }
      tab = { ...tab, status: 'ended', typing: undefined, over: { kind: 'ended', by: e.author ?? { role: 'system' } } };
      break;
    case 'message': {
      const mine = e.author?.role === 'agent' && e.author.id === me;
      if (!mine && next.selected !== id && tab.kind === 'chat') tab = { ...tab, unread: tab.unread + 1 };
      if (tab.typing && e.author?.role !== 'agent') tab = { ...tab, typing: undefined };
      break;
    }
    default:
      break;
  }
  next = putTab(next, tab);
  if (created && !next.selected) next = select(next, id);
  return next;
}

function ephemeral(s: DesktopState, e: ChatEvent, now: number): DesktopState {
  const me = s.me?.id;
  if (e.kind === 'agent_status') {
    if (e.agentId !== undefined && e.agentId !== me) return s;
    if (!e.status) return s;
    return agentState(s, e.status, e.profileId, e.reason === 'missed_offers');
  }
  if (e.kind === 'typing' && e.conversationId) {
    const tab = s.tabs[e.conversationId];
    if (!tab || tab.over) return s;
    if (e.author?.role === 'agent' && e.author.id === me) return s;
    return patch(s, tab.id, { typing: { name: e.author?.name, until: now + typingShowMs } });
  }
  return s;
}
