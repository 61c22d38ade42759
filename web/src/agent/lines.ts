// What the centred system lines of a chat log say: joins, leaves, the
// invitation's story (R10) and the end. Pure, so every text is unit-tested
// (lines.test.ts).

import { fmt } from './texts';
import type { Texts } from './texts';
import type { ChatEvent } from '../common/protocol';

/** LineContext is what a line may need besides the event itself. */
export interface LineContext {
  /** the customer's name, or the word for "customer". */
  customer: string;
  /** agent names by id, for events that carry only an id (agentNames in state.ts). */
  names?: Record<string, string>;
  /** a queue's name by id. */
  queueName?: (id: string) => string;
  /** the agent reading the log, who is "you" in it. */
  me?: string;
}

/** agentName gives the name an event tells about its agent, however it tells it. */
function agentName(e: ChatEvent, ctx: LineContext, t: Texts): string {
  return e.agentName || (e.agentId ? ctx.names?.[e.agentId] : undefined) || t.aColleague;
}

/** systemText gives the centred line for a non-message event, or '' for none. */
export function systemText(e: ChatEvent, ctx: LineContext, t: Texts): string {
  switch (e.kind) {
    case 'started':
      return fmt(t.sysStarted, { name: e.author?.name || ctx.customer });
    case 'agent_joined':
      return fmt(t.sysJoined, { name: agentName(e, ctx, t) });
    case 'agent_left':
      if (e.reason === 'transferred') return fmt(t.sysLeftTransferred, { name: agentName(e, ctx, t) });
      return fmt(e.reason === 'disconnected' ? t.sysDisconnected : t.sysLeft, { name: agentName(e, ctx, t) });
    case 'transferred': {
      const by = e.author?.name || t.aColleague;
      if (ctx.me && e.agentId === ctx.me) return fmt(t.sysTransferredYou, { name: by });
      const target = e.queueId ? ctx.queueName?.(e.queueId) || e.queueId : agentName(e, ctx, t);
      return fmt(t.sysTransferred, { name: by, target });
    }
    case 'requeued':
      return t.sysRequeued;
    case 'monitored':
      return fmt(e.watching ? t.sysMonitoring : t.sysMonitoringStopped, { name: agentName(e, ctx, t) });
    case 'erasure_requested':
      return fmt(t.sysErasureRequested, { name: e.author?.name || ctx.customer });
    case 'customer_left':
      return fmt(t.customerLeft, { name: ctx.customer });
    case 'customer_returned':
      return fmt(t.customerBack, { name: ctx.customer });
    case 'ended':
      if (e.reason === 'customer_left') return fmt(t.sysEndedAway, { name: ctx.customer });
      if (e.author?.role === 'customer') return fmt(t.sysEnded, { name: e.author.name || ctx.customer });
      if (e.author?.role === 'agent' && e.author.name) return fmt(t.sysEnded, { name: e.author.name });
      return t.sysEndedPlain;
    case 'invited': {
      const name = agentName(e, ctx, t);
      const toMe = !!ctx.me && e.agentId === ctx.me;
      // The server passes a queue invitation on to the next agent by itself.
      if (e.author?.role === 'system' && e.transfer) return toMe ? t.sysTransferOfferedYou : fmt(t.sysTransferOffered, { name });
      if (e.author?.role === 'system') return toMe ? t.sysInvitePassedYou : fmt(t.sysInvitePassed, { name });
      if (toMe) return fmt(t.sysInvitedYou, { name: e.author?.name || t.aColleague });
      if (e.queueId) return fmt(t.sysInvitedQueue, { name, queue: ctx.queueName?.(e.queueId) || e.queueId });
      return fmt(t.sysInvited, { name });
    }
    case 'invitation_declined':
      switch (e.reason) {
        case 'withdrawn':
          return t.sysInviteWithdrawn;
        case 'unavailable':
          return t.sysInviteUnavailable;
        case 'expired':
          return fmt(t.sysInviteExpired, { name: agentName(e, ctx, t) });
        case 'disconnected':
          return fmt(t.sysInviteDisconnected, { name: agentName(e, ctx, t) });
        default:
          return fmt(t.sysInviteDeclined, { name: agentName(e, ctx, t) });
      }
    default:
      return '';
  }
}
