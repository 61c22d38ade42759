// Agents sign in through the organisation's identity provider, end to
// end: the administrator sets up the provider on the Staff sign-in page,
// the login page offers "Sign in with Example ID", and Anna signs in at
// the real OpenID provider (bin/oidc-provider) and lands on her desktop.

import { request as pwRequest } from '@playwright/test';
import { test, expect, screenshot } from './fixtures';

test('an agent signs in at the identity provider the administrator set up', async ({ browser, baseURL }) => {
  const ctx = await browser.newContext();
  const admin = await ctx.newPage();
  await admin.goto('/admin');
  await admin.getByRole('textbox', { name: 'Username' }).fill('admin');
  await admin.getByLabel('Password').fill('admin-demo');
  await admin.getByRole('button', { name: 'Log in' }).click();
  await admin.getByRole('link', { name: 'Staff sign-in' }).click();
  await expect(admin.getByRole('heading', { name: 'Identity provider' })).toBeVisible();
  await admin.getByRole('textbox', { name: 'Name on the login page' }).fill('Example ID');
  await admin.getByRole('textbox', { name: 'Discovery URL' }).fill(`${process.env.E2E_OIDC_ISSUER}/.well-known/openid-configuration`);
  await admin.getByRole('textbox', { name: 'Client id' }).fill('skranke');
  await admin.getByLabel('Client secret').fill('e2e-oidc-client-secret');
  await admin.getByRole('textbox', { name: 'Groups and roles' }).fill('skranke-agents = agent: all');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByText('Saved', { exact: false }).first()).toBeVisible();
  await expect(admin.getByLabel('Client secret')).toHaveValue('');
  await screenshot(admin, 'admin-staff-sign-in');
  try {
    const agent = await (await browser.newContext()).newPage();
    await agent.goto('/agent');
    const button = agent.getByRole('link', { name: 'Sign in with Example ID' });
    await expect(button).toBeVisible();
    await screenshot(agent, 'agent-login-sso');
    await button.click();
    await expect(agent.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await agent.getByRole('textbox', { name: 'Username' }).fill('anna');
    await agent.getByLabel('Password').fill('anna-sso');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await expect(agent).toHaveURL(/\/agent$/);
    await expect(agent.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
    await agent.context().close();
  } finally {
    const api = await pwRequest.newContext({ baseURL });
    expect((await api.post('/api/v1/login', { data: { username: 'admin', password: 'admin-demo' } })).status()).toBe(200);
    const { sso } = (await (await api.get('/api/v1/admin/sso')).json()) as { sso: { version: number } };
    expect((await api.patch('/api/v1/admin/sso', { data: { version: sso.version, issuer: '', clientId: '', roles: [] } })).status()).toBe(200);
    await api.dispose();
    await ctx.close();
  }
});
