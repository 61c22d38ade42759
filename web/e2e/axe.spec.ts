// axe-core on the four surfaces: the agent desktop with chats open, the
// widget with a chat open (long enough to scroll), the demo page (in both
// languages) and the admin page. Serious and critical findings fail.

import { test, expect, screenshot, checkAxe } from './fixtures';

test('axe: the agent desktop with chats open, and the widget with a chat open', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await kari.startChat('Sales', 'Kari');
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(anna.input).toBeEnabled();
  for (let i = 1; i <= 8; i++) {
    await kari.send(`Question number ${i}: how does the spot price work in winter?`);
    await anna.input.fill(`Answer number ${i}.`);
    await anna.input.press('Enter');
  }
  await expect(kari.log.getByText('Answer number 8.', { exact: true })).toBeVisible();
  // A private note, and a second chat waiting as an offer beside it.
  await anna.page.getByRole('button', { name: 'Private message' }).click();
  await anna.input.fill('A note for colleagues');
  await anna.input.press('Enter');
  const visitor = await cast.customer();
  await visitor.startChat('Sales');
  await expect(anna.tabs).toHaveCount(2);
  // The log scrolls, so it must be reachable by keyboard (scrollable-region-focusable).
  expect(await kari.log.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  await screenshot(anna.page, 'agent-two-tabs');
  await screenshot(kari.page, 'widget-long-chat');
  await checkAxe(anna.page, 'the agent desktop');
  await checkAxe(kari.page, 'the demo page with the widget in a chat');

  await kari.endChat();
  await visitor.endChat();
  await anna.closeButton('Kari').click();
  await expect(anna.tabs).toHaveCount(0);
});

test('axe: the demo page, in English and Norwegian, and the admin page', async ({ browser, page }) => {
  await page.goto('/demo/');
  await expect(page.getByRole('button', { name: 'Chat with us' })).toBeVisible();
  await checkAxe(page, 'the demo page');
  const nb = await browser.newContext();
  const p = await nb.newPage();
  await p.goto('/demo/?lang=nb');
  await expect(p.getByRole('button', { name: 'Chat med oss' })).toBeVisible();
  await checkAxe(p, 'the demo page in Norwegian');
  await nb.close();
  await page.goto('/admin');
  await page.waitForLoadState('networkidle');
  await checkAxe(page, 'the admin page');
});
