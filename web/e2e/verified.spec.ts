// Verified customer details (R6), end to end: the demo website's signed-in
// customer starts a chat, and the agent sees the name, e-mail and customer
// number the website vouched for with a lock, and the phone number the
// customer typed without one. Then the website's key is rotated with an
// overlap: a token of either key is verified, and once the old key is
// revoked its tokens are refused, with the reason in the browser's console.

import { createHmac, randomUUID } from 'node:crypto';
import { request as pwRequest, type APIRequestContext } from '@playwright/test';
import { test, expect, screenshot } from './fixtures';

const lockName = /^Verified by the website's sign-in, \d\d:\d\d$/;

test('a signed-in customer: name and e-mail with locks, a typed phone number without', async ({ cast }) => {
  const anna = await cast.agent('anna', 'All');
  const kari = await cast.customer('/demo/?signed-in');
  await expect(kari.page.getByText('Signed in as Kari Nordmann, customer 10042.')).toBeVisible();
  await kari.frame.getByRole('textbox', { name: 'Your phone number (optional)' }).fill('+47 400 00 000');
  await kari.startChat('Sales');

  // The chat goes by the name the website vouched for.
  await expect(anna.tab('Kari Nordmann')).toBeVisible();
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(anna.input).toBeEnabled();
  const details = anna.panel.getByRole('group').filter({ hasText: 'Customer details' });
  const value = (label: string) =>
    details.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
  await expect(details.getByRole('term')).toHaveText(['Name', 'E-mail', 'Phone', 'Customer number']);
  await expect(value('Name')).toContainText('Kari Nordmann');
  await expect(value('Name').getByRole('img', { name: lockName })).toBeVisible();
  await expect(value('E-mail')).toContainText('kari.nordmann@example.no');
  await expect(value('E-mail').getByRole('img', { name: lockName })).toBeVisible();
  await expect(value('Customer number')).toContainText('10042');
  await expect(value('Customer number').getByRole('img', { name: lockName })).toBeVisible();
  // The phone number the customer typed: plain, never a lock.
  await expect(value('Phone')).toHaveText('+47 400 00 000');
  await expect(value('Phone').getByRole('img')).toHaveCount(0);
  // The tooltip says the same as the accessible name.
  await expect(value('Name').getByRole('img', { name: lockName })).toHaveAttribute('title', lockName);
  await screenshot(anna.page, 'agent-verified-details');

  await kari.send('Hello, it is Kari');
  await expect(anna.log).toContainText('Hello, it is Kari');
  await kari.endChat();
});

/** hs256 signs claims with an HS256 secret: what an organisation's backend does with its JWT library. */
function hs256(kid: string, secret: string, claims: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${b64(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

async function adminAPI(baseURL: string): Promise<APIRequestContext> {
  const api = await pwRequest.newContext({ baseURL });
  const res = await api.post('/api/v1/login', { data: { username: 'admin', password: 'admin-demo' } });
  expect(res.status()).toBe(200);
  return api;
}

test('key rotation with an overlap keeps customers verified; the revoked key is refused', async ({ cast, baseURL }) => {
  const admin = await adminAPI(baseURL!);
  const { identity } = (await (await admin.get('/api/v1/admin/identity')).json()) as { identity: { audience: string } };
  const run = randomUUID().slice(0, 8);
  const addKey = async (kid: string) => {
    const res = await admin.post('/api/v1/admin/identity/keys', { data: { kid, alg: 'HS256' } });
    expect(res.status()).toBe(201);
    return ((await res.json()) as { secret: string }).secret;
  };
  const oldKid = `e2e-old-${run}`;
  const newKid = `e2e-new-${run}`;
  const oldSecret = await addKey(oldKid);
  const token = (kid: string, secret: string, extra: Record<string, unknown> = {}) => {
    const iat = Math.floor(Date.now() / 1000);
    return hs256(kid, secret, { sub: `e2e-rita-${run}`, aud: identity.audience, iat, exp: iat + 300, name: 'Rita Rotasjon', ...extra });
  };

  const anna = await cast.agent('anna', 'All');
  const rita = await cast.customer('/demo/');
  const refusals: string[] = [];
  rita.page.on('console', (m) => {
    if (m.type() === 'warning' && m.text().startsWith('Skranke:')) refusals.push(m.text());
  });
  // The page signs Rita in with the old key, and she starts a chat.
  await rita.page.evaluate((t) => (window as unknown as { Skranke: { identify(t: string): void } }).Skranke.identify(t), token(oldKid, oldSecret));
  await rita.startChat('Sales');
  await expect(anna.tab('Rita Rotasjon')).toBeVisible();
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(anna.input).toBeEnabled();
  const details = anna.panel.getByRole('group').filter({ hasText: 'Customer details' });
  await expect(details.getByRole('img', { name: lockName })).toHaveCount(1); // the name

  // The overlap: a new key; the website's backend moves to it, and its
  // fresh token (with the e-mail now) is verified while the old key still is.
  const newSecret = await addKey(newKid);
  await rita.page.evaluate(
    (t) => (window as unknown as { Skranke: { identify(t: string): void } }).Skranke.identify(t),
    token(newKid, newSecret, { email: 'rita@example.no' }),
  );
  // The agent's panel hears of it (customer_details) and shows the e-mail with a lock.
  await expect(details.getByRole('img', { name: lockName })).toHaveCount(2);

  // The old key is revoked: its tokens are refused from now on, and the
  // site's developer reads why in the console.
  expect((await admin.delete(`/api/v1/admin/identity/keys/${oldKid}`)).status()).toBe(200);
  await rita.page.evaluate((t) => (window as unknown as { Skranke: { identify(t: string): void } }).Skranke.identify(t), token(oldKid, oldSecret));
  await expect.poll(() => refusals.join('\n')).toContain('identity_key_revoked');
  expect(refusals.filter((r) => !r.includes('identity_key_revoked'))).toEqual([]);
  // The new key goes on working.
  refusals.length = 0;
  await rita.page.evaluate(
    (t) => (window as unknown as { Skranke: { identify(t: string): void } }).Skranke.identify(t),
    token(newKid, newSecret, { phone: '+47 411 11 111' }),
  );
  await expect(details.getByRole('img', { name: lockName })).toHaveCount(3);
  expect(refusals).toEqual([]);
  await rita.endChat();
  await admin.dispose();
});

test('the admin page of identity keys: an HS256 secret shown once, a public key pasted in, revoked by keyboard', async ({ page }) => {
  await page.goto('/admin#/identity');
  await page.getByRole('textbox', { name: 'Username' }).fill('admin');
  await page.getByLabel('Password').fill('admin-demo');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Signed-in customers' })).toBeVisible();
  const keys = page.getByRole('region', { name: 'Keys' });
  await expect(keys.getByRole('cell', { name: 'nordlys-website', exact: true })).toBeVisible(); // the demo website's key

  const kid = `e2e-page-${randomUUID().slice(0, 8)}`;
  await page.getByRole('button', { name: 'New key' }).click();
  await page.getByRole('textbox', { name: /Key id/ }).fill(kid);
  await page.getByRole('radio', { name: /HS256/ }).check();
  await page.getByRole('button', { name: 'Add key' }).click();
  const secret = page.getByRole('textbox', { name: 'HS256 secret' });
  await expect(secret).toBeFocused();
  expect((await secret.inputValue()).length).toBeGreaterThan(30);
  await screenshot(page, 'admin-identity-secret');
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(secret).toHaveCount(0);
  await expect(keys.getByRole('cell', { name: kid, exact: true })).toBeVisible();

  // A public key that is not one is refused beside its field.
  await page.getByRole('button', { name: 'New key' }).click();
  await page.getByRole('radio', { name: /ES256/ }).check();
  await page.getByRole('textbox', { name: /Public key/ }).fill('not a key');
  await page.getByRole('button', { name: 'Add key' }).click();
  await expect(page.getByRole('textbox', { name: /Public key/ })).toHaveAccessibleDescription(/not a PEM P-256 key/);
  await page.getByRole('button', { name: 'Cancel' }).click();

  // Revoke by keyboard, with the confirmation.
  await page.getByRole('button', { name: `Revoke: ${kid}` }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(keys.getByRole('row').filter({ hasText: kid })).toContainText('Revoked');
  await screenshot(page, 'admin-identity');
});

test('secure chat: a queue that requires it has the customer sign in at the OpenID provider first; the agent sees the masked number with a lock', async ({ cast, baseURL }) => {
  const admin = await adminAPI(baseURL!);
  const get = async () => ((await (await admin.get('/api/v1/admin/identity')).json()) as { identity: { version: number } }).identity;
  const patch = async (body: Record<string, unknown>) => {
    const res = await admin.patch('/api/v1/admin/identity', { data: { version: (await get()).version, ...body } });
    expect(res.status()).toBe(200);
  };
  await patch({
    requireVerification: ['support'],
    oidc: {
      issuer: process.env.E2E_OIDC_ISSUER,
      clientId: 'skranke',
      clientSecret: 'e2e-oidc-client-secret',
      claims: [
        { claim: 'name', field: 'name' },
        { claim: 'email', field: 'email' },
        { claim: 'nin', field: 'nin', label: 'National identity number', mask: true },
      ],
    },
  });
  try {
    const carla = await cast.agent('carla', 'Support');
    const ola = await cast.customer('/demo/');
    await ola.frame.getByRole('radio', { name: 'Support' }).check();
    // The queue requires a verified customer: sign in first.
    await expect(ola.frame.getByText('This is a secure chat: sign in first, so that we know it is you.')).toBeVisible();
    await expect(ola.frame.getByRole('button', { name: 'Start chat' })).toBeDisabled();
    await screenshot(ola.page, 'widget-secure-chat');
    const [popup] = await Promise.all([ola.page.waitForEvent('popup'), ola.frame.getByRole('button', { name: 'Sign in' }).click()]);
    await expect(popup.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await popup.getByRole('textbox', { name: 'Username' }).fill('ola');
    await popup.getByLabel('Password').fill('ola-password');
    await Promise.all([popup.waitForEvent('close'), popup.getByRole('button', { name: 'Sign in' }).click()]);
    await expect(ola.frame.getByText('You are signed in.')).toBeVisible();
    await ola.frame.getByRole('button', { name: 'Start chat' }).click();
    ola.chatting = true;
    await expect(ola.input).toBeEnabled();

    await expect(carla.tab('Ola Nordmann')).toBeVisible();
    await carla.panel.getByRole('button', { name: 'Accept' }).click();
    await expect(carla.input).toBeEnabled();
    const details = carla.panel.getByRole('group').filter({ hasText: 'Customer details' });
    const byProvider = /^Verified by the secure sign-in \(electronic ID\), \d\d:\d\d$/;
    const value = (label: string) => details.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
    await expect(value('National identity number')).toContainText('*******2345');
    await expect(value('National identity number').getByRole('img', { name: byProvider })).toBeVisible();
    await expect(value('Name').getByRole('img', { name: byProvider })).toBeVisible();
    await expect(details).not.toContainText('01017012345');
    await screenshot(carla.page, 'agent-secure-chat');
    await ola.endChat();
  } finally {
    await patch({ requireVerification: [], removeOidc: true });
    await admin.dispose();
  }
});
