// The agent desktop's state and the reducer that changes it. Plain
// TypeScript without a DOM, so every rule is unit-tested (state.test.ts).
//
// Each offer, invitation and chat is a tab, keyed by conversation id. A tab holds the
// conversation's stored events in seq order, deduplicated by seq and by
// clientMsgId, and the agent's own messages that are not yet in the log
// (pending). Events up to a tab's snapshotSeq were already summed up by a
// conversation snapshot (welcome or a REST load): they fill the history but
// change nothing else (no unread counts, notices or tab changes). Later events
// are live and drive the tab: an offer becomes a chat on agent_joined, goes
// away on offer_declined, a chat is over on ended or when the agent leaves it.
//
// Invitations (R10): an `invited` event for this agent opens an invitation
// tab, which behaves like an offer (accept makes it a chat, a decline removes
// it). In a chat tab, `invitation` mirrors the chat's one pending invitation
// of someone else: set by `invited`, cleared by `agent_joined` of the invitee
// and by a decline that ends it (withdrawn, unavailable, or any decline of a
// named invitation); a declined queue invitation stays pending without an
// invitee until the server passes it on (another `invited`, by system).

import type { ConnectionState } from '../common/socket';
import type {
  AttachmentRef,
  AgentState as ServerAgentState,
  AgentStatus,
  AgentWelcome,
  ChatEvent,
  Conversation,
  ConversationStatus,
  Invitation,
  Participant,
  Profile,
  Queue,
  User,
} from '../common/protocol';
import type { TextKey } from './texts';

/** How long a typing indicator shows after the last typing event. */
export const typingShowMs = 3000;

export type TabKind = 'offer' | 'invitation' | 'chat';

/**
 * CustomerPresence is whether the chat's customer has the widget open:
 * never connected (or not known yet), connected, or left (for longer than
 * the server's grace; a reload does not count).
 */
export type CustomerPresence = 'none' | 'connected' | 'left';

/** Why a chat is over for this agent: it ended, or the agent is no longer in it. */
export type Over = { kind: 'ended'; by: Participant; reason?: string } | { kind: 'left'; reason: 'left' | 'disconnected' | 'transferred' };

/** PendingMessage is one of the agent's own messages not yet seen in the log. */
export interface PendingMessage {
  clientMsgId: string;
  text: string;
  time: string;
  /** seq from the ack, while the event itself has not arrived. */
  seq?: number;
  /** set when the server refused the message for good. */
  error?: string;
  /** a private message (R11): agents only. Kept for resending. */
  private?: boolean;
  /** the files it carries, uploaded already (R12). Kept for resending. */
  attachments?: AttachmentRef[];
}

/**
 * PendingInvitation is a chat's pending invitation as its agents see it:
 * agentId is the invitee now, absent while a queue invitation looks for the
 * next agent.
 */
export interface PendingInvitation {
  agentId?: string;
  agentName?: string;
  queueId?: string;
  invitedBy?: string;
  offeredAt?: string;
  expiresAt?: string;
  /** a transfer (R18) rather than an invitation. */
  transfer?: boolean;
}

/** InvitationInfo is what an invitation tab shows about the invitation to this agent. */
export interface InvitationInfo {
  inviterId?: string;
  inviterName?: string;
  note?: string;
  queueId?: string;
  /** the chat is transferred to this agent (R18), not shared. */
  transfer?: boolean;
}

export interface Tab {
  id: string;
  /** counts the customer_details notices (R6): the details panel reads the details again on each. */
  detailsVersion?: number;
  kind: TabKind;
  queueId?: string;
  customerName?: string;
  /** the number a nameless customer goes by, from the server. */
  visitor?: string;
  /** when the chat started. */
  createdAt?: string;
  /** whether the customer is there (R7: close warning only while connected). */
  customer: CustomerPresence;
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
  /** leave is on its way. */
  leaving: boolean;
  /** agents in the chat now, when known (from a snapshot, then live events). */
  agents?: string[];
  /** a chat's pending invitation of another agent. */
  invitation?: PendingInvitation;
  /** on an invitation tab: who invites this agent, and the note. */
  invitedBy?: InvitationInfo;
  /** the message input is in private mode (R11). */
  private: boolean;
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
  | { type: 'sending'; id: string; clientMsgId: string; text: string; time: string; private?: boolean; attachments?: AttachmentRef[] }
  | { type: 'sent'; id: string; clientMsgId: string; seq?: number }
  | { type: 'sendFailed'; id: string; clientMsgId: string; message: string }
  | { type: 'ending'; id: string }
  | { type: 'endFailed'; id: string; message: string }
  | { type: 'leaving'; id: string }
  | { type: 'leaveFailed'; id: string; message: string }
  | { type: 'private'; id: string; on: boolean }
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
    customer: 'none',
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
    leaving: false,
    private: false,
  };
}

// ---- Queries used by the UI and the client.

/**
 * needsConfirm tells whether closing the tab must ask first (R7): a chat
 * whose customer is still connected. Once the customer has left (or never
 * connected), the tab closes without asking.
 */
export function needsConfirm(tab: Tab): boolean {
  return tab.kind === 'chat' && !tab.over && tab.customer === 'connected';
}

/** canSend tells whether the agent can write in the tab. */
export function canSend(tab: Tab): boolean {
  return tab.kind === 'chat' && !tab.over && !tab.ending && !tab.leaving;
}

/** isOfferLike tells whether a tab waits for the agent's answer (an offer or an invitation). */
export function isOfferLike(tab: Tab): boolean {
  return tab.kind === 'offer' || tab.kind === 'invitation';
}

/** canInvite tells whether the agent may invite a colleague now: in the chat, none pending (R10). */
export function canInvite(tab: Tab): boolean {
  return canSend(tab) && !tab.invitation;
}

/** otherAgents gives the agents in the chat besides me, when known. */
export function otherAgents(tab: Tab, me: string | undefined): string[] {
  return (tab.agents ?? []).filter((a) => a !== me);
}

/**
 * agentNames maps agent ids to display names, from what the log says about
 * them (joins, invitations, messages); later events win.
 */
export function agentNames(tab: Tab): Record<string, string> {
  const names: Record<string, string> = {};
  for (const e of tab.events) {
    if (e.agentId && e.agentName) names[e.agentId] = e.agentName;
    if (e.author?.role === 'agent' && e.author.id && e.author.name) names[e.author.id] = e.author.name;
  }
  return names;
}

/** inviterName gives the name of whoever invited this agent into an invitation tab's chat. */
export function inviterName(tab: Tab): string {
  const info = tab.invitedBy;
  if (info?.inviterName) return info.inviterName;
  if (info?.inviterId) {
    const name = agentNames(tab)[info.inviterId];
    if (name) return name;
  }
  // A queue invitation passed on by the system: the agent's original invitation (or transfer) names the inviter.
  const first = [...tab.events].reverse().find((e) => (e.kind === 'invited' || e.kind === 'transferred') && e.author?.role === 'agent');
  return first?.author?.name ?? '';
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

/** newestOffer gives the offer or invitation tab that came last and waits for an answer. */
export function newestOffer(s: DesktopState): Tab | undefined {
  let best: Tab | undefined;
  for (const id of s.order) {
    const tab = s.tabs[id];
    if (!isOfferLike(tab) || tab.answering) continue;
    if (!best || (tab.offeredAt ?? '') >= (best.offeredAt ?? '')) best = tab;
  }
  return best;
}

/** pendingOffers counts open offer and invitation tabs. */
export function pendingOffers(s: DesktopState): number {
  return s.order.filter((id) => isOfferLike(s.tabs[id])).length;
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
      return patch(s, a.id, { kind: 'chat', status: 'active', answering: false, highlight: false, over: undefined, invitedBy: undefined });
    }
    case 'offerGone': {
      const gone = s.tabs[a.id];
      const next = gone && isOfferLike(gone) ? removeTab(s, a.id) : s;
      return a.message ? notice(next, { message: a.message }) : next;
    }
    case 'answerFailed':
      return notice(patch(s, a.id, { answering: false }), { message: a.message });
    case 'sending': {
      const tab = s.tabs[a.id];
      if (!tab || tab.pending.some((p) => p.clientMsgId === a.clientMsgId)) return s;
      const p: PendingMessage = { clientMsgId: a.clientMsgId, text: a.text, time: a.time };
      if (a.private) p.private = true;
      if (a.attachments?.length) p.attachments = a.attachments;
      return patch(s, a.id, { pending: [...tab.pending, p] });
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
    case 'leaving':
      return patch(s, a.id, { leaving: true });
    case 'leaveFailed':
      return notice(patch(s, a.id, { leaving: false }), { message: a.message });
    case 'private':
      return patch(s, a.id, { private: a.on });
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

/**
 * displayName is what notices call the customer: the name, or the visitor
 * number, which the UI words ("Visitor 4821"); "Customer" when neither is
 * known is up to the UI.
 */
function displayName(tab: Tab): Record<string, string> {
  if (tab.customerName) return { name: tab.customerName };
  return tab.visitor ? { visitor: tab.visitor } : {};
}

/** agentsAfter gives the agents in a chat after events, from those before them. */
function agentsAfter(agents: string[], events: ChatEvent[]): string[] {
  let out = agents;
  for (const e of events) {
    if (!e.agentId) continue;
    if (e.kind === 'agent_joined' && !out.includes(e.agentId)) out = [...out, e.agentId];
    if (e.kind === 'agent_left') out = out.filter((a) => a !== e.agentId);
  }
  return out;
}

/** presenceAfter gives the customer's presence after events, from that before them. */
function presenceAfter(p: CustomerPresence, events: ChatEvent[]): CustomerPresence {
  for (const e of events) {
    if (e.kind === 'customer_left') p = 'left';
    if (e.kind === 'customer_connected' || e.kind === 'customer_returned') p = 'connected';
  }
  return p;
}

/** presenceOf gives a snapshot's customer presence. */
function presenceOf(conv: Conversation): CustomerPresence {
  if (conv.customerLeftAt) return 'left';
  return conv.customerConnectedAt ? 'connected' : 'none';
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
    visitor: conv.visitor || tab.visitor,
    createdAt: conv.createdAt || tab.createdAt,
    customer: presenceOf(conv),
    queuedAt: conv.queuedAt || tab.queuedAt,
    status: conv.status,
    detailsLoaded: true,
    stale: false,
  };
  t.agents = conv.agents ?? [];
  const mine = t.agents.includes(me ?? '');
  if (conv.status === 'waiting' && conv.offer && conv.offer.agentId === me) {
    if (tab.kind === 'chat' && !tab.over) return t; // accepted meanwhile; the snapshot is behind
    return { ...t, kind: 'offer', offeredAt: conv.offer.offeredAt, expiresAt: conv.offer.expiresAt, over: undefined };
  }
  const inv = conv.invitation;
  if (conv.status === 'active' && inv && inv.agentId && inv.agentId === me && !mine) {
    if (tab.kind === 'chat' && !tab.over) return t; // accepted meanwhile; the snapshot is behind
    const invitedBy: InvitationInfo = { ...tab.invitedBy, inviterId: inv.invitedBy, note: inv.note, queueId: inv.queueId, transfer: inv.transfer || undefined };
    return { ...t, kind: 'invitation', offeredAt: inv.offeredAt, expiresAt: inv.expiresAt, invitedBy, invitation: undefined, over: undefined };
  }
  if (isOfferLike(tab) && !(mine && conv.status === 'active')) return undefined;
  t.invitation = pendingFrom(inv, tab.invitation);
  if (conv.status === 'active' && mine) return { ...t, kind: 'chat', over: tab.over?.kind === 'ended' ? undefined : tab.over };
  if (conv.status === 'ended') {
    const ended = [...t.events].reverse().find((e) => e.kind === 'ended');
    return { ...t, kind: 'chat', over: { kind: 'ended', by: ended?.author ?? { role: 'system' }, reason: ended?.reason } };
  }
  // Active or waiting without this agent: the agent left it.
  return { ...t, kind: 'chat', over: tab.over ?? { kind: 'left', reason: 'left' } };
}

/** pendingFrom turns a snapshot's invitation into a tab's, keeping a name already known. */
function pendingFrom(inv: Invitation | undefined, held: PendingInvitation | undefined): PendingInvitation | undefined {
  if (!inv) return undefined;
  const agentName = inv.agentId && held?.agentId === inv.agentId ? held.agentName : undefined;
  return {
    agentId: inv.agentId || undefined,
    agentName,
    queueId: inv.queueId || undefined,
    invitedBy: inv.invitedBy || undefined,
    offeredAt: inv.offeredAt,
    expiresAt: inv.expiresAt,
    transfer: inv.transfer || undefined,
  };
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
    const isInvitation = !!conv.invitation?.agentId && conv.invitation.agentId === me && !(conv.agents ?? []).includes(me);
    let tab = existing ?? newTab(conv.id, isOffer ? 'offer' : isInvitation ? 'invitation' : 'chat');
    // A new tab's history replays after the welcome; it is history. An
    // existing tab's missed events are news and count as such.
    if (!existing) tab = { ...tab, snapshotSeq: conv.lastSeq };
    const updated = applySnapshot(tab, conv, me);
    if (updated) next = putTab(next, updated);
    else next = removeTab(next, conv.id);
  }
  // An offer that is not listed is gone. A chat that is not listed ended,
  // or the agent left it, while the desktop was away: the server sends the
  // events it missed after the welcome, as for any chat in the resume map.
  for (const id of [...next.order]) {
    if (listed.has(id)) continue;
    if (isOfferLike(next.tabs[id])) next = removeTab(next, id);
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
    // Who is in the chat and whether the customer is there: the snapshot's,
    // moved on by the live events after it.
    const after = tab.events.filter((e) => (e.seq ?? 0) > conv.lastSeq);
    return putTab(s, {
      ...tab,
      agents: tab.agents ?? agentsAfter(conv.agents ?? [], after),
      customer: presenceAfter(presenceOf(conv), after),
      queueId: tab.queueId ?? conv.queueId,
      customerName: tab.customerName ?? conv.customerName,
      visitor: tab.visitor ?? conv.visitor,
      createdAt: tab.createdAt ?? conv.createdAt,
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
  if (seq > tab.lastSeq && seq > tab.snapshotSeq) {
    // The customer's presence as the live log tells it (a snapshot holds it
    // for the events it sums up); a later event wins.
    if (e.kind === 'customer_left') next = { ...next, customer: 'left' };
    if (e.kind === 'customer_connected' || e.kind === 'customer_returned') next = { ...next, customer: 'connected' };
  }
  if (e.kind === 'started') next = { ...next, createdAt: next.createdAt ?? e.time };
  if (e.kind === 'ended' && next.kind === 'chat' && next.status === 'ended') {
    next = { ...next, over: { kind: 'ended', by: e.author ?? { role: 'system' }, reason: e.reason } };
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
    else if ((e.kind === 'invited' || e.kind === 'transferred') && aboutMe) tab = newTab(id, 'invitation');
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
      if (e.reason === 'expired') return notice(next, { key: 'offerExpired', vars: displayName(tab) });
      if (e.reason === 'disconnected') return notice(next, { key: 'offerWithdrawn', vars: displayName(tab) });
      return next;
    case 'invited':
    case 'transferred': {
      const transfer = e.kind === 'transferred' || e.transfer || undefined;
      const note = e.kind === 'transferred' ? e.note : e.text;
      if (aboutMe) {
        if (tab.kind === 'chat' && !tab.over) break; // in the chat already
        const invitedBy: InvitationInfo =
          e.author?.role === 'agent'
            ? { inviterId: e.author.id, inviterName: e.author.name, note, queueId: e.queueId, transfer: e.kind === 'transferred' || undefined }
            : { ...tab.invitedBy, note: note ?? tab.invitedBy?.note, queueId: e.queueId ?? tab.invitedBy?.queueId, transfer };
        tab = {
          ...tab,
          kind: 'invitation',
          status: 'active',
          offeredAt: e.time,
          expiresAt: e.expiresAt,
          invitedBy,
          invitation: undefined,
          answering: false,
          over: undefined,
          unread: 0,
          private: false,
        };
        next = { ...next, offerAlerts: next.offerAlerts + 1 };
        if (next.selected && next.selected !== id && next.tabs[next.selected]) return putTab(next, { ...tab, highlight: true });
        return select(putTab(next, tab), id);
      }
      const invitedBy = e.author?.role === 'agent' ? e.author.id : tab.invitation?.invitedBy;
      tab = {
        ...tab,
        invitation: {
          agentId: e.agentId,
          agentName: e.agentName,
          queueId: e.queueId,
          invitedBy,
          offeredAt: e.agentId ? e.time : undefined,
          expiresAt: e.agentId ? e.expiresAt : undefined,
          transfer: transfer ?? tab.invitation?.transfer,
        },
      };
      break;
    }
    case 'invitation_declined':
      if (aboutMe && tab.kind === 'invitation') {
        next = removeTab(putTab(next, tab), id);
        const key = invitationGoneKey(e.reason);
        return key ? notice(next, { key, vars: displayName(tab) }) : next;
      }
      if (!tab.invitation) break;
      if (e.reason === 'withdrawn' || e.reason === 'unavailable' || !tab.invitation.queueId) {
        const failed = tab.invitation.transfer && e.reason !== 'withdrawn' && tab.agents?.includes(me ?? '');
        tab = { ...tab, invitation: undefined };
        // A transfer that nobody accepted: the chat stays with this agent, who is told.
        if (failed) return notice(putTab(next, tab), { key: 'transferFailed', vars: displayName(tab) });
      } else if (!e.agentId || e.agentId === tab.invitation.agentId) {
        // A queue invitation goes on: the server offers it to the next agent.
        tab = { ...tab, invitation: { ...tab.invitation, agentId: undefined, agentName: undefined, offeredAt: undefined, expiresAt: undefined } };
      }
      break;
    case 'agent_joined':
      if (aboutMe) tab = { ...tab, kind: 'chat', status: 'active', answering: false, over: undefined, invitedBy: undefined };
      else if (tab.status !== 'ended') tab = { ...tab, status: 'active' };
      if (tab.invitation && tab.invitation.agentId === e.agentId) tab = { ...tab, invitation: undefined };
      if (e.agentId && tab.agents && !tab.agents.includes(e.agentId)) tab = { ...tab, agents: [...tab.agents, e.agentId] };
      break;
    case 'agent_left':
      if (aboutMe && tab.kind === 'chat' && !tab.over) {
        const reason = e.reason === 'disconnected' || e.reason === 'transferred' ? e.reason : 'left';
        tab = { ...tab, over: { kind: 'left', reason } };
      }
      if (tab.agents) tab = { ...tab, agents: tab.agents.filter((a) => a !== e.agentId) };
      break;
    case 'rerouted':
      // A supervisor moved the waiting chat to another queue: an offer of it is withdrawn.
      if (tab.kind === 'offer' && e.queueId) {
        next = removeTab(putTab(next, tab), id);
        return notice(next, { key: 'offerWithdrawn', vars: displayName(tab) });
      }
      break;
    case 'requeued':
      tab = { ...tab, status: 'waiting' };
      if (tab.kind === 'chat' && !tab.over) tab = { ...tab, over: { kind: 'left', reason: 'left' } };
      break;
    case 'ended':
      if (isOfferLike(tab)) {
        next = removeTab(putTab(next, tab), id);
        return notice(next, { key: tab.kind === 'offer' ? 'offerWithdrawn' : 'invitationEnded', vars: displayName(tab) });
      }
      tab = {
        ...tab,
        status: 'ended',
        typing: undefined,
        invitation: undefined,
        over: { kind: 'ended', by: e.author ?? { role: 'system' }, reason: e.reason },
      };
      break;
    case 'message': {
      const mine = e.author?.role === 'agent' && e.author.id === me;
      if (!mine && next.selected !== id && tab.kind === 'chat') tab = { ...tab, unread: tab.unread + 1 };
      if (tab.typing && e.author?.role !== 'agent') tab = { ...tab, typing: undefined };
      break;
    }
    case 'choice':
      // The customer's answer to a menu is news like a message.
      if (next.selected !== id && tab.kind === 'chat') tab = { ...tab, unread: tab.unread + 1 };
      break;
    default:
      break;
  }
  next = putTab(next, tab);
  if (created && !next.selected) next = select(next, id);
  return next;
}

/** invitationGoneKey gives the notice for an invitation to me that ended without my answer. */
function invitationGoneKey(reason: string | undefined): TextKey | undefined {
  switch (reason) {
    case 'expired':
      return 'invitationExpired';
    case 'withdrawn':
      return 'invitationWithdrawnNotice';
    case 'disconnected':
    case 'unavailable':
      return 'invitationEnded';
    default:
      return undefined; // rejected: my own answer
  }
}

function ephemeral(s: DesktopState, e: ChatEvent, now: number): DesktopState {
  const me = s.me?.id;
  if (e.kind === 'agent_status') {
    if (e.agentId !== undefined && e.agentId !== me) return s;
    if (!e.status) return s;
    if (e.reason === 'profile_removed') {
      // An administrator took the active profile away: paused, without one.
      return notice({ ...agentState(s, e.status, undefined, false), profileId: undefined }, { key: 'profileRemoved' });
    }
    if (e.reason === 'supervisor') return notice(agentState(s, e.status, e.profileId, false), { key: 'pausedBySupervisor' });
    return agentState(s, e.status, e.profileId, e.reason === 'missed_offers');
  }
  if (e.kind === 'customer_details' && e.conversationId) {
    // The customer's details changed (R6): the panel reads them again.
    const tab = s.tabs[e.conversationId];
    if (!tab) return s;
    return patch(s, tab.id, { detailsVersion: (tab.detailsVersion ?? 0) + 1 });
  }
  if (e.kind === 'typing' && e.conversationId) {
    const tab = s.tabs[e.conversationId];
    if (!tab || tab.over) return s;
    if (e.author?.role === 'agent' && e.author.id === me) return s;
    return patch(s, tab.id, { typing: { name: e.author?.name, until: now + typingShowMs } });
  }
  return s;
}
