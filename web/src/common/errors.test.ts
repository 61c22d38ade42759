import { describe, expect, it } from 'vitest';
import { errorText, fill } from './errors';
import { ApiRequestError } from './rest';
import { RequestError } from './socket';
import type { ErrorFrame } from './protocol';

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
