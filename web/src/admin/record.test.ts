import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../common/protocol';
import { customerLabel, duration, eventLine, namesIn, secondsBetween } from './record';
import { en, nb } from './texts';

const at = '2026-12-01T10:00:00Z';
function ev(e: Partial<ChatEvent>): ChatEvent {
  return { time: at, kind: 'message', visibility: 'all', author: { role: 'system' }, ...e } as ChatEvent;
}
const ctx = { customer: 'Kari', names: { 'u-bjorn': 'Bjørn' }, queueName: (id: string) => ({ sales: 'Sales' })[id] ?? id };

describe('the chat record', () => {
  it('says every event of the log, the agents-only ones too', () => {
    const cases: [Partial<ChatEvent>, string][] = [
      [{ kind: 'started', queueId: 'sales', author: { role: 'customer', name: 'Kari' } }, 'Kari started the chat in Sales'],
      [{ kind: 'offered', agentId: 'u-anna', agentName: 'Anna', visibility: 'agents' }, 'Offered to Anna'],
      [{ kind: 'offer_declined', agentId: 'u-bjorn', reason: 'rejected' }, 'Bjørn rejected the offer'],
      [{ kind: 'offer_declined', agentId: 'u-bjorn', reason: 'expired' }, 'Bjørn did not answer the offer in time'],
      [{ kind: 'agent_joined', agentName: 'Anna' }, 'Anna joined'],
      [{ kind: 'agent_left', agentName: 'Anna', reason: 'disconnected' }, 'Anna lost the connection and left'],
      [{ kind: 'requeued' }, 'Back in the queue: no agent left in the chat'],
      [{ kind: 'invited', agentId: 'u-bjorn', author: { role: 'agent', id: 'u-anna', name: 'Anna' } }, 'Anna invited Bjørn'],
      [{ kind: 'invited', agentId: 'u-bjorn', queueId: 'sales', author: { role: 'agent', name: 'Anna' } }, 'Anna invited Bjørn from Sales'],
      [{ kind: 'invited', agentId: 'u-bjorn', queueId: 'sales', author: { role: 'system' } }, 'The invitation went on to Bjørn'],
      [{ kind: 'invitation_declined', agentId: 'u-bjorn', reason: 'withdrawn' }, 'The invitation was withdrawn'],
      [{ kind: 'invitation_declined', agentId: 'u-bjorn', reason: 'rejected' }, 'Bjørn declined the invitation'],
      [{ kind: 'erasure_requested', author: { role: 'customer' } }, 'Kari asked that the chat be deleted once it ends'],
      [{ kind: 'customer_connected' }, 'Kari connected'],
      [{ kind: 'customer_left' }, 'Kari has been gone for a while'],
      [{ kind: 'customer_returned' }, 'Kari is back'],
      [{ kind: 'ended', author: { role: 'agent', name: 'Anna' } }, 'Anna ended the chat'],
      [{ kind: 'ended', author: { role: 'customer' } }, 'Kari ended the chat'],
      [{ kind: 'ended', author: { role: 'system' }, reason: 'customer_left' }, 'The chat ended: Kari left and did not come back'],
      [{ kind: 'menu_choice' as ChatEvent['kind'] }, 'Event: menu choice'],
    ];
    for (const [e, want] of cases) expect(eventLine(ev(e), ctx, en), JSON.stringify(e)).toBe(want);
    expect(eventLine(ev({ kind: 'agent_joined', agentName: 'Anna' }), ctx, nb)).toBe('Anna kom inn');
  });

  it('names agents from the log', () => {
    const names = namesIn([
      ev({ kind: 'offered', agentId: 'u-anna', agentName: 'Anna' }),
      ev({ kind: 'message', author: { role: 'agent', id: 'u-bjorn', name: 'Bjørn' } }),
      ev({ kind: 'message', author: { role: 'customer', id: 'c-1', name: 'Kari' } }),
    ]);
    expect(names).toEqual({ 'u-anna': 'Anna', 'u-bjorn': 'Bjørn' });
  });

  it('names a customer without a name by the visitor number', () => {
    expect(customerLabel(en, 'Kari', '4821')).toBe('Kari');
    expect(customerLabel(en, '', '4821')).toBe('Visitor 4821');
    expect(customerLabel(nb, undefined, '4821')).toBe('Besøkende 4821');
    expect(customerLabel(en)).toBe('Customer');
  });

  it('says how long things took', () => {
    expect(duration(en, 0)).toBe('0 s');
    expect(duration(en, 59)).toBe('59 s');
    expect(duration(en, 185)).toBe('3 min 5 s');
    expect(duration(en, 7800)).toBe('2 h 10 min');
    expect(duration(nb, 7800)).toBe('2 t 10 min');
    expect(duration(en, undefined)).toBe('');
    expect(secondsBetween('2026-12-01T10:00:00Z', '2026-12-01T10:01:30.900Z')).toBe(90);
    expect(secondsBetween('2026-12-01T10:00:00Z', undefined)).toBeUndefined();
  });
});
