// What the chat log page says of a chat: the line of each event of its log
// (every kind, agents-only ones included: offers, rejections, invitations,
// the customer's comings and goings), how long things took, and who a
// customer without a name is. Pure, so every text is unit-tested
// (record.test.ts). An event of a kind this page does not know yet still
// shows, by its kind's name and its text.

import type { ChatEvent } from '../common/protocol';
import { fmt, type Texts } from './texts';

/** RecordContext is what a line may need besides the event. */
export interface RecordContext {
  /** the customer's name, or the visitor label. */
  customer: string;
  /** agents' names by id (namesIn gathers them from the log). */
  names: Record<string, string>;
  /** a queue's name by id. */
  queueName: (id: string) => string;
}

/** namesIn gathers the agents' names the events of a log carry, by agent id. */
export function namesIn(events: ChatEvent[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const e of events) {
    if (e.agentId && e.agentName) names[e.agentId] = e.agentName;
    if (e.author?.role === 'agent' && e.author.id && e.author.name) names[e.author.id] = e.author.name;
  }
  return names;
}

/** customerLabel names a chat's customer: the name given, else "Visitor 4821", else "Customer". */
export function customerLabel(t: Texts, name?: string, visitor?: string): string {
  if (name) return name;
  return visitor ? fmt(t.visitor, { number: visitor }) : t.customer;
}

function agent(e: ChatEvent, ctx: RecordContext, t: Texts): string {
  return e.agentName || (e.agentId ? ctx.names[e.agentId] : undefined) || e.agentId || t.anAgent;
}

function by(e: ChatEvent, ctx: RecordContext, t: Texts): string {
  if (e.author?.role === 'customer') return e.author.name || ctx.customer;
  if (e.author?.role === 'agent') return e.author.name || (e.author.id ? ctx.names[e.author.id] : undefined) || t.anAgent;
  return t.theServer;
}

/** eventLine is the line of a log's event that is not a message. */
export function eventLine(e: ChatEvent, ctx: RecordContext, t: Texts): string {
  switch (e.kind) {
    case 'started':
      return fmt(t.evStarted, { name: e.author?.name || ctx.customer, queue: ctx.queueName(e.queueId ?? '') });
    case 'offered':
      return fmt(t.evOffered, { name: agent(e, ctx, t) });
    case 'offer_declined':
      return fmt(e.reason === 'expired' ? t.evOfferExpired : e.reason === 'disconnected' ? t.evOfferDisconnected : t.evOfferRejected, {
        name: agent(e, ctx, t),
      });
    case 'agent_joined':
      return fmt(t.evJoined, { name: agent(e, ctx, t) });
    case 'agent_left':
      return fmt(e.reason === 'disconnected' ? t.evDisconnected : t.evLeft, { name: agent(e, ctx, t) });
    case 'requeued':
      return t.evRequeued;
    case 'ended':
      if (e.reason === 'customer_left') return fmt(t.evEndedAway, { name: ctx.customer });
      return fmt(t.evEnded, { name: by(e, ctx, t) });
    case 'invited':
      if (e.author?.role === 'system') return fmt(t.evInvitePassed, { name: agent(e, ctx, t) });
      if (e.queueId && !e.agentId) return fmt(t.evInvitedQueue, { by: by(e, ctx, t), queue: ctx.queueName(e.queueId) });
      if (e.queueId) return fmt(t.evInvitedFromQueue, { by: by(e, ctx, t), name: agent(e, ctx, t), queue: ctx.queueName(e.queueId) });
      return fmt(t.evInvited, { by: by(e, ctx, t), name: agent(e, ctx, t) });
    case 'invitation_declined': {
      const key = (
        { withdrawn: 'evInviteWithdrawn', unavailable: 'evInviteUnavailable', expired: 'evInviteExpired', disconnected: 'evInviteDisconnected' } as const
      )[e.reason ?? ''];
      return fmt(t[key ?? 'evInviteRejected'], { name: agent(e, ctx, t) });
    }
    case 'erasure_requested':
      return fmt(t.evErasureRequested, { name: e.author?.name || ctx.customer });
    case 'customer_connected':
      return fmt(t.evCustomerConnected, { name: ctx.customer });
    case 'customer_left':
      return fmt(t.evCustomerLeft, { name: ctx.customer });
    case 'customer_returned':
      return fmt(t.evCustomerReturned, { name: ctx.customer });
  }
  return fmt(t.evOther, { kind: String(e.kind).replace(/_/g, ' ') });
}

/** duration says a number of seconds for people: "45 s", "3 min 5 s", "2 h 10 min". */
export function duration(t: Texts, seconds: number | undefined): string {
  if (seconds === undefined || seconds < 0) return '';
  const s = Math.round(seconds);
  if (s < 60) return fmt(t.durationSeconds, { s });
  if (s < 3600) return fmt(t.durationMinutes, { m: Math.floor(s / 60), s: s % 60 });
  return fmt(t.durationHours, { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

/** secondsBetween is the whole seconds from a to b, undefined unless both are set. */
export function secondsBetween(a?: string, b?: string): number | undefined {
  if (!a || !b) return undefined;
  const d = (new Date(b).getTime() - new Date(a).getTime()) / 1000;
  return Number.isFinite(d) ? Math.floor(d) : undefined;
}
