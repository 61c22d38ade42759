import { afterEach, describe, expect, it, vi } from 'vitest';
import { Api, ApiFailure } from './api';
import { reasonsFor } from './texts';

function answer(status: number, body: unknown) {
  vi.stubGlobal(
    'fetch',
    vi.fn(() => Promise.resolve(new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }))),
  );
}

async function failure(p: Promise<unknown>): Promise<ApiFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiFailure)) throw new Error(`got ${String(err)}, want an ApiFailure`);
  return err;
}

afterEach(() => vi.unstubAllGlobals());

describe('Api', () => {
  const tooLong = {
    error: { code: 'invalid', reason: 'name_too_long', params: { max: 200 }, message: 'The name is longer than 200 characters.' },
  };

  it("says a refusal in the customer's language, keeping the server's code, reason and parameters", async () => {
    answer(400, tooLong);
    const err = await failure(new Api('', 'No network.', reasonsFor('nb')).startConversation('t', 'sales', 'Kari'));
    expect(err.message).toBe('Navnet er lengre enn 200 tegn.');
    expect([err.status, err.code, err.reason, err.params]).toEqual([400, 'invalid', 'name_too_long', { max: 200 }]);
  });

  it("shows the server's message for a reason the widget has no text for, or without texts", async () => {
    answer(409, { error: { code: 'conflict', reason: 'something_new', message: 'Something new happened.' } });
    expect((await failure(new Api('', 'No network.', reasonsFor('nb')).queues())).message).toBe('Something new happened.');
    answer(400, tooLong);
    expect((await failure(new Api('', 'No network.').queues())).message).toBe('The name is longer than 200 characters.');
  });

  it('names the status when the body is not an error', async () => {
    answer(502, '<html>Bad gateway</html>');
    const err = await failure(new Api('', 'No network.', reasonsFor('nb')).queues());
    expect([err.message, err.code, err.reason]).toEqual(['No network. (HTTP 502)', undefined, undefined]);
  });
});
