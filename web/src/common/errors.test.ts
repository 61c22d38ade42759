import { describe, expect, it } from 'vitest';
import { clientReasons, errorText, fill } from './errors';
import { ApiRequestError, apiRequest } from './rest';
import { RequestError } from './socket';
import type { ErrorFrame } from './protocol';
import { reasonTexts as agentReasons } from '../agent/texts';
import { reasonTexts as widgetReasons } from '../widget/texts';

const nb = {
  message_too_long: 'Meldingen er lengre enn {max} tegn.',
  chat_ended: 'Denne chatten er avsluttet.',
  invitee_paused: '{name} har pause.',
};

describe('fill', () => {
  it('fills every placeholder, and gives up when one has no value', () => {
    expect(fill('{name} har pause i {queue}.', { name: 'Bjørn', queue: 'Salg' })).toBe('Bjørn har pause i Salg.');
    expect(fill('Over {max} tegn.', { max: 5000 })).toBe('Over 5000 tegn.');
    expect(fill('Ingen plassholdere.', undefined)).toBe('Ingen plassholdere.');
    expect(fill('Over {max} tegn.', {})).toBeUndefined();
    expect(fill('Over {max} tegn.', undefined)).toBeUndefined();
    expect(fill('{toString}', {})).toBeUndefined();
  });
});

describe('errorText', () => {
  it("uses the surface's text for a socket error's reason, with its parameters", () => {
    const err = new RequestError('too_large', 'The message is longer than 5000 characters.', false, 'message_too_long', { max: 5000 });
    expect(errorText(err, nb)).toBe('Meldingen er lengre enn 5000 tegn.');
  });

  it("uses the surface's text for a REST error's reason", () => {
    const err = new ApiRequestError(409, 'conflict', 'Bjørn is paused.', 'invitee_paused', { name: 'Bjørn' });
    expect(errorText(err, nb)).toBe('Bjørn har pause.');
  });

  it('reads an error frame as it came', () => {
    const f: ErrorFrame = { type: 'error', code: 'conflict', reason: 'chat_ended', message: 'This chat has ended.', retryable: false };
    expect(errorText(f, nb)).toBe('Denne chatten er avsluttet.');
  });

  it("shows the server's message for a reason it has no text for", () => {
    const err = new RequestError('conflict', 'This offer has expired.', false, 'offer_expired');
    expect(errorText(err, nb)).toBe('This offer has expired.');
    expect(errorText(err, {})).toBe('This offer has expired.');
  });

  it("shows the server's message when the text names a parameter the error lacks", () => {
    const err = new RequestError('too_large', 'The message is too long.', false, 'message_too_long');
    expect(errorText(err, nb)).toBe('The message is too long.');
  });

  it("shows the server's message for an error without a reason, as from an older server", () => {
    expect(errorText(new ApiRequestError(400, 'invalid', 'Bad.'), nb)).toBe('Bad.');
  });

  it('never takes an inherited property for a text', () => {
    const err = new RequestError('invalid', 'Odd.', false, 'constructor');
    expect(errorText(err, nb)).toBe('Odd.');
  });

  it('falls back when there is no message', () => {
    expect(errorText(new Error(''), nb, 'Could not log in.')).toBe('Could not log in.');
    expect(errorText(undefined, nb, 'Could not load.')).toBe('Could not load.');
    expect(errorText('boom', nb)).toBe('boom');
  });
});

describe('errors the browser makes', () => {
  it('a server out of reach is said in the page language, by its reason', async () => {
    // Nothing listens on port 9 of this machine: the request fails in the network.
    const err = await apiRequest('GET', 'http://127.0.0.1:9/api/v1/me').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0, reason: 'server_unreachable' });
    expect(errorText(err, agentReasons.nb)).toBe('Får ikke kontakt med serveren.');
    expect(errorText(err, widgetReasons.en)).toBe('The server cannot be reached.');
    expect(errorText(err, {})).toBe(clientReasons.server_unreachable);
  });
});
