// Verifying the customer (R6): the host page hands the frame an identity
// token its organisation's backend signed (Skranke.identify), and the frame
// has the server verify it for the customer's token. A refusal is told to
// the host page, which writes the reason in the browser's console for the
// site's developer; the chat then goes on unverified.

import { ApiFailure, type Api } from './api';
import type { HostBridge } from './host';
import { keys, type KeyValue } from './storage';

/**
 * identifyCustomer verifies identity for the customer of token and returns
 * the customer token to go on with. When the customer was vouched for as
 * somebody else before (another person signed in on this browser) and
 * fresh is true, it starts a new customer, so that nobody sees another
 * person's chats, and verifies that one.
 */
export async function identifyCustomer(api: Api, storage: KeyValue, host: HostBridge, token: string, identity: string, fresh: boolean): Promise<string> {
  try {
    await api.identify(token, identity);
    return token;
  } catch (err) {
    if (fresh && err instanceof ApiFailure && err.reason === 'identity_other_customer') {
      const next = await api.newCustomer();
      storage.setItem(keys.token, next);
      storage.removeItem(keys.conversation);
      return identifyCustomer(api, storage, host, next, identity, false);
    }
    tellRefusal(host, err);
    return token;
  }
}

/** tellRefusal tells the host page why its token was refused. */
export function tellRefusal(host: HostBridge, err: unknown) {
  const f = err instanceof ApiFailure ? err : undefined;
  host.post({ skranke: 'identity-refused', reason: f?.reason ?? 'unreachable', message: err instanceof Error ? err.message : String(err) });
}
