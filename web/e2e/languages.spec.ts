// The product in Norwegian (R21): an agent chooses Norsk in the desk's top
// bar and keeps it (a reload, another browser); the whole chat flow once in
// Norwegian — the customer's browser in nb-NO, the agent's desk in bokmål —
// with every control found by its Norwegian accessible name; axe on the
// Norwegian desk. The language is kept on the server, which every spec
// shares: each test sets the agent back to English, even when it fails.

import { test, expect, checkAxe, screenshot, demoAgents, loginAdmin, userLanguage } from './fixtures';
import type { Browser, Page } from '@playwright/test';

/** login logs the demo agent in to /agent in a new context (English browser) and waits for the desk in lang. */
async function login(browser: Browser, who: keyof typeof demoAgents, connected: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/agent');
  await page.getByRole('textbox', { name: 'Username' }).fill(demoAgents[who].username);
  await page.getByLabel('Password').fill(demoAgents[who].password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('status').filter({ hasText: connected })).toBeVisible();
  return page;
}

/** backToEnglish pauses the agent and sets the desk back to English (through the top bar), for the specs after this one. */
async function backToEnglish(page: Page): Promise<void> {
  if (page.isClosed()) return;
  const pause = page.getByRole('group', { name: 'Status' }).getByRole('button', { name: /^(Pause|Paused)$/ });
  if ((await pause.count()) > 0) await pause.click();
  const select = page.getByRole('combobox', { name: /^(Språk|Language)$/ });
  await select.selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect
    .poll(() => userLanguage(page))
    .toBe('en');
  await page.context().close();
}

test('the login form has the language switch too, and ?lang=nb puts it in Norwegian', async ({ page }) => {
  await page.goto('/agent?lang=nb');
  await expect(page.getByRole('heading', { name: 'Logg inn i Skranke' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Språk' })).toHaveValue('nb');
  await screenshot(page, 'login-nb');
  await page.getByRole('combobox', { name: 'Språk' }).selectOption('en');
  await expect(page.getByRole('heading', { name: 'Log in to Skranke' })).toBeVisible();
  await checkAxe(page, 'the login form');
});

test('a language chosen on the login form is kept for the agent who logs in', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/agent');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('nb');
  await page.getByRole('textbox', { name: 'Brukernavn' }).fill(demoAgents.carla.username);
  await page.getByLabel('Passord').fill(demoAgents.carla.password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  try {
    await expect(page.getByRole('status').filter({ hasText: 'Tilkoblet' })).toBeVisible();
    await expect
      .poll(() => userLanguage(page))
      .toBe('nb');
  } finally {
    await backToEnglish(page);
  }
});

test('an agent switches the desk to Norsk; it stays Norwegian after a reload and in another browser', async ({ browser }) => {
  const page = await login(browser, 'anna', 'Connected');
  let other: Page | undefined;
  try {
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    const language = page.getByRole('combobox', { name: 'Language' });
    // Reached and changed by keyboard: focus it, and the arrow keys choose.
    await language.focus();
    await expect(language).toBeFocused();
    await page.keyboard.press('ArrowDown');

    await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
    await expect(page.getByRole('combobox', { name: 'Språk' })).toHaveValue('nb');
    await expect(page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Klar' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Logg ut' })).toBeVisible();
    await expect(page).toHaveTitle('Skranke — Agentskrivebord');
    await screenshot(page, 'desk-nb');

    await page.reload();
    await expect(page.getByRole('status').filter({ hasText: 'Tilkoblet' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
    await expect(page.getByRole('combobox', { name: 'Språk' })).toHaveValue('nb');
    await expect(page.getByRole('button', { name: 'Logg ut' })).toBeVisible();
    // The longer Norwegian texts wrap on a narrow screen; nothing runs off the side.
    await page.setViewportSize({ width: 760, height: 800 });
    await screenshot(page, 'desk-nb-narrow');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);

    // Another browser, with nothing kept in it: the server keeps her choice.
    other = await login(browser, 'anna', 'Tilkoblet');
    await expect(other.locator('html')).toHaveAttribute('lang', 'nb');
    await expect(other.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Pause' })).toBeVisible();
    // ?lang= still wins, for that page.
    await other.goto('/agent?lang=en');
    await expect(other.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
    await expect(other.getByRole('button', { name: 'Log out' })).toBeVisible();
  } finally {
    if (other) await other.context().close();
    await backToEnglish(page);
  }
});

test('the admin and supervisor pages follow the language the user chose', async ({ browser }) => {
  // The demo administrator chooses Norsk on the admin page…
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await loginAdmin(page);
  try {
    await page.getByRole('combobox', { name: 'Language' }).selectOption('nb');
    await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
    // …and finds it on the supervisor's page and the desk of another browser.
    const fresh = await browser.newContext({ locale: 'en-US' });
    const p = await fresh.newPage();
    await p.goto('/supervisor');
    await p.getByRole('textbox', { name: 'Username' }).fill('admin');
    await p.getByLabel('Password').fill('admin-demo');
    await p.getByRole('button', { name: 'Log in' }).click();
    await expect(p.locator('html')).toHaveAttribute('lang', 'nb');
    await expect(p.getByRole('heading', { name: 'Oppfølging' })).toBeVisible();
    await p.goto('/agent');
    await expect(p.getByRole('status').filter({ hasText: 'Tilkoblet' })).toBeVisible();
    await backToEnglish(p);
  } finally {
    await page.getByRole('combobox', { name: /^(Språk|Language)$/ }).selectOption('en');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await context.close();
  }
});

test('the whole chat in Norwegian: a customer in nb-NO, an agent in bokmål, found by Norwegian names; axe on the desk', async ({ browser }) => {
  const desk = await login(browser, 'anna', 'Connected');
  // On a phone: the longer Norwegian texts must fit the narrow widget.
  const customer = await browser.newContext({ locale: 'nb-NO', viewport: { width: 390, height: 844 } });
  const site = await customer.newPage();
  try {
    await desk.getByRole('combobox', { name: 'Language' }).selectOption('nb');
    await expect(desk.locator('html')).toHaveAttribute('lang', 'nb');
    const status = desk.getByRole('group', { name: 'Status' });
    await status.getByRole('button', { name: 'Klar' }).click();
    await desk.getByRole('combobox', { name: 'Profil' }).selectOption({ label: 'All' });
    await expect(status.getByRole('button', { name: 'Klar' })).toHaveAttribute('aria-pressed', 'true');
    await expect
      .poll(async () => ((await (await desk.request.get('/api/v1/me')).json()) as { state: { status: string; profileId: string } }).state)
      .toMatchObject({ status: 'ready', profileId: 'all' });

    // The customer's browser speaks Norwegian; the demo page gives no data-lang.
    await site.goto('/demo/');
    const launcher = site.getByRole('button', { name: /^Chat med oss/ });
    await launcher.click();
    const frame = site.frameLocator('iframe[title="Chat"]');
    await expect(frame.getByRole('button', { name: 'Start chat' })).toBeVisible();
    await screenshot(site, 'widget-nb-start-phone');
    const fits = () => frame.locator('body').evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
    expect(await fits()).toBe(true);
    await frame.getByRole('textbox', { name: 'Navnet ditt (valgfritt)' }).fill('Kari');
    await frame.getByRole('radio', { name: 'Sales' }).check();
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await expect(frame.locator('html')).toHaveAttribute('lang', 'nb');

    // The offer, in Norwegian.
    const tab = desk.getByRole('tablist', { name: 'Chatter' }).getByRole('tab', { name: /Kari/ });
    await expect(tab).toBeVisible();
    const panel = desk.getByRole('tabpanel');
    await expect(panel.getByRole('heading', { name: 'Ny chatforespørsel' })).toBeVisible();
    await panel.getByRole('button', { name: 'Godta' }).click();
    const input = panel.getByRole('textbox', { name: 'Melding' });
    await expect(input).toBeFocused();
    await expect(frame.getByRole('log').getByText('Anna ble med i chatten')).toBeVisible();

    const customerInput = frame.getByRole('textbox', { name: 'Melding' });
    await customerInput.fill('Hei, jeg lurer på strømprisen');
    await customerInput.press('Enter');
    await expect(panel.getByRole('log').getByText('Hei, jeg lurer på strømprisen', { exact: true })).toBeVisible();
    await input.fill('Hei Kari! Jeg hjelper deg gjerne.');
    await panel.getByRole('button', { name: 'Send' }).click();
    await expect(frame.getByRole('log').getByText('Hei Kari! Jeg hjelper deg gjerne.', { exact: true })).toBeVisible();
    // Times in the Norwegian locale.
    const time = panel.getByRole('log').locator('time').last();
    const iso = await time.getAttribute('datetime');
    await expect(time).toHaveText(new Date(iso!).toLocaleTimeString('nb-NO', { hour: '2-digit', minute: '2-digit' }));

    await screenshot(desk, 'desk-nb-chat');
    await screenshot(site, 'widget-nb-chat');
    expect(await fits()).toBe(true);
    await checkAxe(desk, 'the agent desktop in Norwegian');
    await checkAxe(site, 'the widget in Norwegian');

    // The customer ends the chat; the agent closes its tab.
    await frame.getByRole('button', { name: 'Avslutt chat' }).click();
    const confirm = frame.getByRole('alertdialog', { name: 'Avslutte chatten?' });
    await confirm.getByRole('button', { name: 'Avslutt chat' }).click();
    await expect(frame.getByText('Chatten er avsluttet. Takk for at du tok kontakt!')).toBeVisible();
    await desk.getByRole('button', { name: 'Lukk chatten med Kari' }).click();
    await expect(tab).toHaveCount(0);
  } finally {
    await customer.close();
    await backToEnglish(desk);
  }
});
