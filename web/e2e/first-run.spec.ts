// From an empty data folder to a chat (R20): the binary, started without
// --demo, prints a set-up link; its page creates the first administrator,
// who creates a queue, a profile and an agent in the admin pages; the agent
// logs in, goes ready and takes a chat that a customer starts in the
// widget. Everything is done by accessible names, as a person would.
//
// This test starts its own server (on a free port, in a new folder), since
// the shared one runs the demo organisation.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, screenshot } from './fixtures';

const binary = fileURLToPath(new URL('../../bin/skranke', import.meta.url));

/** startEmpty runs skranke serve on an empty data folder and returns its address and set-up link. */
async function startEmpty(): Promise<{ base: string; link: string; proc: ChildProcess }> {
  const data = mkdtempSync(join(tmpdir(), 'skranke-first-run-'));
  const proc = spawn(binary, ['serve', '--addr', '127.0.0.1:0', '--data', data, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const found = await new Promise<{ base: string; link: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no set-up link printed:\n${out}`)), 20_000);
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const base = /Skranke is running at (\S+)/.exec(out)?.[1];
      const link = /Set-up link:\s+(\S+)/.exec(out)?.[1];
      if (base && link) {
        clearTimeout(timer);
        resolve({ base, link });
      }
    });
    proc.on('exit', (code) => reject(new Error(`skranke exited with ${code}:\n${out}`)));
  });
  return { ...found, proc };
}

test('first run: set-up link → administrator → queue, profile, agent → the agent takes a chat from the widget', async ({ browser }) => {
  const { base, link, proc } = await startEmpty();
  try {
    expect(link).toMatch(new RegExp(`^${base}/admin/setup#[A-Za-z0-9_-]{40,}$`));

    // The set-up page creates the first administrator and logs them in.
    const adminCtx = await browser.newContext({ baseURL: base });
    const admin = await adminCtx.newPage();
    await admin.goto(link);
    await expect(admin.getByRole('heading', { name: 'Set up Skranke' })).toBeVisible();
    await admin.getByRole('textbox', { name: 'Username' }).fill('boss');
    await admin.getByRole('textbox', { name: 'Display name' }).fill('Berit Boss');
    await admin.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await admin.getByLabel('Repeat the password').fill('correct horse battery');
    await admin.getByRole('button', { name: 'Create administrator' }).click();
    const nav = admin.getByRole('navigation', { name: 'Administration' });
    await expect(nav).toBeVisible();
    await expect(admin.getByText('Logged in as Berit Boss')).toBeVisible();
    await expect(admin).not.toHaveURL(/#[A-Za-z0-9_-]{40}/); // the secret is gone from the address

    // A queue.
    await nav.getByRole('link', { name: 'Queues' }).click();
    await expect(admin.getByRole('heading', { name: 'Queues', level: 1 })).toBeVisible();
    await admin.getByRole('button', { name: 'New queue' }).click();
    const panel = admin.getByRole('dialog', { name: 'New queue' });
    await panel.getByRole('textbox', { name: 'Name' }).fill('Billing');
    await expect(panel.getByRole('textbox', { name: 'Id' })).toHaveValue('billing');
    await panel.getByRole('textbox', { name: /Text while waiting/ }).fill('Thanks for waiting — an agent is on the way.');
    await screenshot(admin, 'first-run-queue');
    await panel.getByRole('button', { name: 'Save' }).click();
    await expect(panel).toHaveCount(0);
    await expect(admin.getByRole('status').filter({ hasText: 'Billing is saved.' })).toBeVisible();
    await expect(admin.getByRole('row', { name: /Billing/ })).toBeVisible();

    // A profile with it.
    await nav.getByRole('link', { name: 'Profiles' }).click();
    await admin.getByRole('button', { name: 'New profile' }).click();
    const profile = admin.getByRole('dialog', { name: 'New profile' });
    await profile.getByRole('textbox', { name: 'Name' }).fill('Billing team');
    await profile.getByRole('checkbox', { name: 'Billing' }).check();
    await profile.getByRole('button', { name: 'Save' }).click();
    await expect(profile).toHaveCount(0);
    await expect(admin.getByRole('row', { name: /Billing team/ })).toBeVisible();

    // An agent who may use it. A mistake first: the field says what is wrong.
    await nav.getByRole('link', { name: 'Users' }).click();
    await admin.getByRole('button', { name: 'New user' }).click();
    const user = admin.getByRole('dialog', { name: 'New user' });
    await user.getByRole('textbox', { name: 'Username' }).fill('per');
    await user.getByRole('textbox', { name: 'Display name' }).fill('Per');
    await user.getByRole('combobox', { name: 'Role' }).selectOption({ label: 'Agent' });
    await user.getByRole('spinbutton', { name: 'Chats at once' }).fill('2');
    await user.getByRole('checkbox', { name: 'Billing team' }).check();
    await user.getByLabel('Password').fill('short');
    await user.getByRole('button', { name: 'Save' }).click();
    await expect(user.getByLabel('Password')).toHaveAccessibleDescription(/Use at least 8 characters/);
    await expect(user.getByLabel('Password')).toBeFocused();
    await screenshot(admin, 'first-run-user-error');
    await user.getByLabel('Password').fill('per-password');
    await user.getByRole('button', { name: 'Save' }).click();
    await expect(user).toHaveCount(0);
    await expect(admin.getByRole('status').filter({ hasText: 'Per is saved.' })).toBeVisible();
    await expect(admin.getByRole('row', { name: /Per/ })).toContainText('Billing team');
    await screenshot(admin, 'first-run-users');

    // The agent logs in and goes ready in the new profile.
    const agentCtx = await browser.newContext({ baseURL: base });
    const agent = await agentCtx.newPage();
    await agent.goto('/agent');
    await agent.getByRole('textbox', { name: 'Username' }).fill('per');
    await agent.getByLabel('Password').fill('per-password');
    await agent.getByRole('button', { name: 'Log in' }).click();
    await expect(agent.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
    await agent.getByRole('combobox', { name: 'Profile' }).selectOption({ label: 'Billing team' });
    await agent.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Ready' }).click();
    await expect(agent.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Ready' })).toHaveAttribute('aria-pressed', 'true');
    await expect(agent.getByRole('list', { name: 'Queues of your profile' })).toHaveText('Billing');

    // A customer starts a chat from the widget on a page of the organisation.
    const custCtx = await browser.newContext({ baseURL: base });
    const site = await custCtx.newPage();
    await site.goto('/demo/');
    await site.getByRole('button', { name: /^Chat with us/ }).click();
    const frame = site.frameLocator('iframe[title="Chat"]');
    await expect(frame.getByText('You will chat with: Billing')).toBeVisible();
    await frame.getByRole('textbox', { name: 'Your name (optional)' }).fill('Kari');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await expect(frame.getByText('Thanks for waiting — an agent is on the way.')).toBeVisible();

    // The offer reaches the agent, who accepts; they talk.
    await expect(agent.getByRole('tab', { name: /Kari/ })).toBeVisible();
    await agent.getByRole('tabpanel').getByRole('button', { name: 'Accept' }).click();
    await expect(frame.getByText('Per joined the chat')).toBeVisible();
    await frame.getByRole('textbox', { name: 'Message' }).fill('Hello, a question about my bill');
    await frame.getByRole('textbox', { name: 'Message' }).press('Enter');
    await expect(agent.getByRole('log').getByText('Hello, a question about my bill', { exact: true })).toBeVisible();
    await agent.getByRole('tabpanel').getByRole('textbox', { name: 'Message' }).fill('Hi Kari, Per here.');
    await agent.getByRole('tabpanel').getByRole('textbox', { name: 'Message' }).press('Enter');
    await expect(frame.getByText('Hi Kari, Per here.', { exact: true })).toBeVisible();
    await screenshot(agent, 'first-run-agent-chat');

    // The administrator's changes are all in the audit log.
    await nav.getByRole('link', { name: 'Audit log' }).click();
    for (const change of ['created queue Billing', 'created profile Billing team', 'created user Per', 'created user Berit Boss']) {
      await expect(admin.getByRole('cell', { name: change, exact: true })).toBeVisible();
    }
    await screenshot(admin, 'first-run-audit');
    for (const c of [custCtx, agentCtx, adminCtx]) await c.close();
  } finally {
    proc.kill('SIGTERM');
  }
});
