// Issue 17, the desk as agents and customers expect it: the customer's
// presence (R7's close warning only while the customer is connected, no
// "left" for a reload), the keyboard-only path with focus checked at each
// step, visitor labels, and the demo site in Norwegian. The server runs
// with --customer-grace 3s (playwright.config.ts).

import { test, expect, screenshot, type AgentDesk } from './fixtures';
import type { Locator, Page } from '@playwright/test';

const grace = 3000;

/** tabTo presses Tab (or Shift+Tab) until target has the focus, failing after max presses. */
async function tabTo(page: Page, target: Locator, back = false, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  await expect(target).toBeFocused();
}

/** focusIsOnPage fails if the focus fell to the page body. */
async function focusNotOnBody(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => document.activeElement !== null && document.activeElement !== document.body)).toBe(true);
}

function presence(agent: AgentDesk): Locator {
  return agent.panel.locator('.presence-line');
}

test('the customer closes the page: the tab says the customer left and closes without a warning', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await kari.startChat('Sales', 'Kari');
  // The place, and beside it the expected wait, or (before the queue has
  // answers to go by, as in a fresh server) that it cannot be told.
  await expect(kari.frame.getByText('You are number 1 in the queue')).toBeVisible();
  await expect(
    kari.frame.getByText(/^(Expected wait: (less than a minute|about \d+ minutes?)|We can't tell how long the wait will be right now\.)$/),
  ).toBeVisible();
  await screenshot(kari.page, 'widget-wait-estimate');
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(kari.log.getByText('Anna joined the chat')).toBeVisible();
  await kari.send('Bye for now');
  await expect(anna.log.getByText('Bye for now', { exact: true })).toBeVisible();

  await kari.page.close(); // the browser tab goes: no End chat, no goodbye
  await expect(anna.tab('Kari')).toContainText('Left', { timeout: grace + 10_000 });
  await expect(presence(anna)).toHaveText('Kari left the chat');
  await expect(anna.log.getByText('Kari left the chat')).toBeVisible();
  await screenshot(anna.page, 'agent-customer-left');

  // R7: no "are you sure?" once the customer has left; the x ends and closes the chat.
  await anna.closeButton('Kari').click();
  await expect(anna.dialog).toHaveCount(0);
  await expect(anna.tabs).toHaveCount(0);
  await focusNotOnBody(anna.page);
  await expect(anna.page.getByText('No chats yet. Offers appear here as new tabs.')).toBeFocused();
});

test('the customer reloads within the grace: no "left", and closing still asks', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const ola = await cast.customer();
  await ola.startChat('Sales', 'Ola');
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(ola.log.getByText('Anna joined the chat')).toBeVisible();
  await ola.page.reload();
  await expect(ola.input).toBeEnabled();
  await ola.page.waitForTimeout(grace + 2000); // longer than the grace: a "left" would show by now
  await expect(anna.tab('Ola')).not.toContainText('Left');
  await expect(anna.log.getByText('Ola left the chat')).toHaveCount(0);
  await expect(presence(anna)).toHaveText('');
  await anna.closeButton('Ola').click();
  await expect(anna.dialog).toContainText('The customer is still connected');
  await anna.dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(anna.closeButton('Ola')).toBeFocused(); // the dialog gives the focus back to its opener

  // The customer goes, then comes back: left, then back.
  await ola.context.close();
  await expect(presence(anna)).toHaveText('Ola left the chat', { timeout: grace + 10_000 });
  ola.chatting = false;
  await anna.closeButton('Ola').click();
  await expect(anna.tabs).toHaveCount(0);
});

test('keyboard only: log in, go ready, accept an announced offer, reply, toggle private, end the chat', async ({ browser, cast }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await keyboardOnly(page, cast);
  } finally {
    // Leave the agent paused for the next test, whatever happened.
    await page.request.post('/api/v1/logout').catch(() => undefined);
    await context.close();
  }
});

async function keyboardOnly(page: Page, cast: Parameters<Parameters<typeof test>[2]>[0]['cast']): Promise<void> {
  const kb = page.keyboard;
  await page.goto('/agent');
  const username = page.getByRole('textbox', { name: 'Username' });
  await expect(username).toBeFocused();
  await kb.type('anna');
  await kb.press('Tab');
  await expect(page.getByLabel('Password')).toBeFocused();
  await kb.type('anna-demo');
  await kb.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await focusNotOnBody(page);

  // Ready, by Tab and Space (anna's profile, All, is chosen already).
  const ready = page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Ready' });
  await tabTo(page, ready);
  await kb.press('Space');
  await expect(ready).toHaveAttribute('aria-pressed', 'true');
  await expect(ready).toBeFocused();

  // A customer asks; the live region announces the offer, with its shortcut.
  const kari = await cast.customer();
  await kari.startChat('Sales', 'Kari');
  const announced = page.getByRole('alert').filter({ hasText: 'New chat request from Kari' });
  await expect(announced).toHaveText(/^New chat request from Kari, Sales, (30|29|28) seconds to answer\. Alt\+Shift\+N accepts\.$/);
  await expect(page.getByRole('tabpanel').getByText('Alt+Shift+N')).toBeVisible();
  await expect(page).toHaveTitle('(1) New chat — Skranke');
  await kb.press('Alt+Shift+N');
  const input = page.getByRole('tabpanel').getByRole('textbox', { name: 'Message' });
  await expect(input).toBeFocused();
  await expect(kari.log.getByText('Anna joined the chat')).toBeVisible();
  await expect(page).toHaveTitle('Skranke — Agent desktop');

  // Reply with Enter; the focus stays in the input.
  await kb.type('Hello Kari, how can I help?');
  await kb.press('Enter');
  await expect(kari.log.getByText('Hello Kari, how can I help?', { exact: true })).toBeVisible();
  await expect(input).toBeFocused();

  // Private mode: Shift+Tab to the eye, Space, and the focus is back in the input.
  const eye = page.getByRole('button', { name: 'Private message' });
  await tabTo(page, eye, true);
  await kb.press('Space');
  await expect(eye).toHaveAttribute('aria-pressed', 'true');
  await expect(input).toBeFocused();
  await kb.type('Internal note: a returning customer');
  await kb.press('Enter');
  await expect(page.getByRole('log').getByText('Internal note: a returning customer')).toBeVisible();
  await tabTo(page, eye, true);
  await kb.press('Space');
  await expect(eye).toHaveAttribute('aria-pressed', 'false');

  // End the chat: to the close button, Enter, the question, End chat.
  const close = page.getByRole('button', { name: 'Close chat with Kari' });
  await tabTo(page, close, true);
  await kb.press('Enter');
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await kb.press('Shift+Tab');
  await expect(dialog.getByRole('button', { name: 'End chat' })).toBeFocused();
  await kb.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('tab')).toHaveCount(0);
  await expect(kari.log.getByText('The agent ended the chat')).toBeVisible();
  kari.chatting = false;
  await expect(page.getByText('No chats yet. Offers appear here as new tabs.')).toBeFocused();
  // The customer never saw the private note.
  await expect(kari.log.getByText('Internal note')).toHaveCount(0);

  const paused = page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Paused' });
  await tabTo(page, paused, true);
  await kb.press('Space');
  await expect(paused).toHaveAttribute('aria-pressed', 'true');
}

test('two visitors without a name get tabs that can be told apart', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const first = await cast.customer();
  await first.startChat('Sales');
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(anna.input).toBeEnabled();
  const second = await cast.customer();
  await second.startChat('Sales');
  await expect(anna.tabs).toHaveCount(2);
  const names = await anna.tabs.allInnerTexts();
  for (const n of names) expect(n).toMatch(/Visitor \d{4}[\s\S]*Sales · \d\d:\d\d/);
  const visitors = names.map((n) => n.match(/Visitor \d{4}/)![0]);
  expect(visitors[0]).not.toBe(visitors[1]);
  // The header says the same as the tab.
  await expect(anna.panel.getByRole('heading', { level: 2 })).toHaveText(visitors[0]);
  await screenshot(anna.page, 'agent-two-visitors');
  await anna.tab(visitors[1]).click();
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(anna.panel.getByRole('heading', { level: 2 })).toHaveText(visitors[1]);
  await first.endChat();
  await second.endChat();
  for (const v of visitors) {
    await anna.tab(v).click();
    await anna.closeButton(v).click();
  }
  await expect(anna.tabs).toHaveCount(0);
});

test('the demo site and its widget in Norwegian (?lang=nb)', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/demo/?lang=nb');
  await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ren kraft fra nord, til en ærlig pris.');
  await expect(page.getByText('Dette er en Skranke-demo')).toBeVisible();
  await expect(page).toHaveTitle('Nordlys Energi — en demoside for Skranke');
  const launcher = page.getByRole('button', { name: /^Chat med oss/ });
  await launcher.click();
  const frame = page.frameLocator('iframe[title="Chat"]');
  const name = frame.getByRole('textbox', { name: 'Navnet ditt (valgfritt)' });
  await expect(name).toBeFocused(); // opening the widget puts the focus in its first field
  await expect(frame.getByRole('radio', { name: 'Salg' })).toBeVisible();
  await expect(frame.getByRole('radio', { name: 'Kundeservice' })).toBeVisible();
  await expect(frame.getByText('Hei! Skriv til oss her, så svarer en av oss.')).toBeVisible();
  await screenshot(page, 'demo-nb');
  // Closing and opening again: the first field again.
  await page.keyboard.press('Escape');
  await expect(launcher).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(name).toBeFocused();
  await context.close();
});
