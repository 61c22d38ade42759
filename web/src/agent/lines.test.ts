import { describe, expect, it } from 'vitest';
import { systemText } from './lines';
import { en, nb } from './texts';
import type { ChatEvent } from '../common/protocol';

const T0 = '2026-11-25T10:00:00Z';
const anna = { role: 'agent' as const, id: 'u-anna', name: 'Anna' };
const system = { role: 'system' as const };

function ev(kind: ChatEvent['kind'], p: Partial<ChatEvent> = {}): ChatEvent {
  return { conversationId: 'c1', seq: 5, time: T0, kind, visibility: 'agents', author: system, ...p };
}

const ctx = { customer: 'Kari', names: { 'u-bjorn': 'Bjørn' }, queueName: (id: string) => (id === 'sales' ? 'Sales' : id), me: 'u-anna' };

describe('systemText', () => {
  const cases: [string, ChatEvent, string][] = [
    ['named invitation', ev('invited', { author: anna, agentId: 'u-bjorn', agentName: 'Bjørn' }), 'Bjørn was invited'],
    ['queue invitation', ev('invited', { author: anna, agentId: 'u-bjorn', agentName: 'Bjørn', queueId: 'sales' }), 'Bjørn was invited from Sales'],
    ['passed on by the system', ev('invited', { agentId: 'u-carla', agentName: 'Carla', queueId: 'sales' }), 'Invitation passed on to Carla'],
    ['invitation to me', ev('invited', { author: { role: 'agent', id: 'u-bjorn', name: 'Bjørn' }, agentId: 'u-anna', agentName: 'Anna' }), 'Bjørn invited you'],
    ['passed on to me', ev('invited', { agentId: 'u-anna', agentName: 'Anna', queueId: 'sales' }), 'The invitation was passed on to you'],
    ['rejected', ev('invitation_declined', { agentId: 'u-bjorn', agentName: 'Bjørn', reason: 'rejected' }), 'Bjørn declined the invitation'],
    ['expired', ev('invitation_declined', { agentId: 'u-bjorn', agentName: 'Bjørn', reason: 'expired' }), 'Bjørn did not answer the invitation'],
    ['disconnected', ev('invitation_declined', { agentId: 'u-bjorn', reason: 'disconnected' }), 'Bjørn disconnected before answering the invitation'],
    ['withdrawn (no name in the event)', ev('invitation_declined', { author: anna, agentId: 'u-bjorn', reason: 'withdrawn' }), 'Invitation withdrawn'],
    ['nobody available', ev('invitation_declined', { queueId: 'sales', reason: 'unavailable' }), 'Nobody was available; the invitation ended'],
    ['joined', ev('agent_joined', { visibility: 'all', agentId: 'u-bjorn', agentName: 'Bjørn' }), 'Bjørn joined the chat'],
    ['left', ev('agent_left', { visibility: 'all', agentId: 'u-anna', agentName: 'Anna', reason: 'left' }), 'Anna left the chat'],
    ['an unknown agent', ev('invitation_declined', { agentId: 'u-x', reason: 'expired' }), 'A colleague did not answer the invitation'],
    ['erasure requested', ev('erasure_requested', { visibility: 'all', author: { role: 'customer', name: 'Kari' } }), 'Kari asked for this chat to be deleted when it ends'],
    ['transfer to a queue', ev('transferred', { visibility: 'all', author: { role: 'agent', id: 'u-bjorn', name: 'Bjørn' }, queueId: 'sales' }), 'Bjørn is transferring the chat to Sales'],
    ['transfer to an agent', ev('transferred', { visibility: 'all', author: anna, agentId: 'u-bjorn', agentName: 'Bjørn' }), 'Anna is transferring the chat to Bjørn'],
    ['transfer to me', ev('transferred', { visibility: 'all', author: { role: 'agent', id: 'u-bjorn', name: 'Bjørn' }, agentId: 'u-anna' }), 'Bjørn is transferring the chat to you'],
    ['transfer offered by the server', ev('invited', { agentId: 'u-carla', agentName: 'Carla', queueId: 'sales', transfer: true }), 'Transfer offered to Carla'],
    ['a supervisor watches', ev('monitored', { author: { role: 'supervisor', id: 'u-sofie', name: 'Sofie' }, agentId: 'u-sofie', agentName: 'Sofie', watching: true }), 'Supervisor Sofie is watching this chat'],
    ['left after a transfer', ev('agent_left', { visibility: 'all', agentId: 'u-anna', agentName: 'Anna', reason: 'transferred' }), 'Anna handed the chat on'],
    ['a message has no line', ev('message', { text: 'hi' }), ''],
  ];
  for (const [name, e, want] of cases) {
    it(name, () => expect(systemText(e, ctx, en)).toBe(want));
  }

  it('speaks bokmål too', () => {
    expect(systemText(cases[0][1], ctx, nb)).toBe('Bjørn ble invitert');
    expect(systemText(cases[9][1], ctx, nb)).toBe('Ingen var ledige; invitasjonen ble avsluttet');
  });
});
