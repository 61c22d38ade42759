// The admin pages on the demo organisation (R20): every page by keyboard
// and accessible names, screenshots of each, the widget's live preview, and
// opening hours reaching the widget and the agents. What the tests create
// they remove again: the server is shared with the other tests.

import { test, expect, loginAdmin, screenshot, userLanguage } from './fixtures';
import type { Page } from '@playwright/test';

/** everyControlNamed checks that each visible control of the page has an accessible name. */
async function everyControlNamed(page: Page, where: string): Promise<void> {
  const controls = page.locator('button:visible, input:visible, select:visible, textarea:visible, a[href]:visible, iframe:visible');
  const n = await controls.count();
  expect(n, `${where}: controls`).toBeGreaterThan(3);
  for (let i = 0; i < n; i++) {
    await expect(controls.nth(i), `${where}: control ${i} has a name`).toHaveAccessibleName(/\S/);
  }
}

const pages = [
  ['Users', 'users'],
  ['Queues', 'queues'],
  ['Profiles', 'profiles'],
  ['Opening hours', 'hours'],
  ['Widget', 'widget'],
  ['Signed-in customers', 'identity'],
  ['Chat log', 'chatlog'],
  ['Outgoing e-mail', 'outbox'],
  ['Privacy', 'privacy'],
  ['API tokens', 'tokens'],
  ['Webhooks', 'webhooks'],
  ['Audit log', 'audit'],
] as const;

test('every admin page: reachable by keyboard, every control named, in English and Norwegian', async ({ page }) => {
  await page.setViewportSize({ width: 1360, height: 860 });
  await loginAdmin(page);
  const nav = page.getByRole('navigation', { name: 'Administration' });
  for (const [name, path] of pages) {
    // By keyboard: focus the link, press Enter, the page's heading gets the focus.
    await nav.getByRole('link', { name }).focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`#/${path}$`));
    await expect(page.getByRole('heading', { level: 1, name })).toBeFocused();
    await expect(nav.getByRole('link', { name })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByText('Loading…')).toHaveCount(0);
    await everyControlNamed(page, name);
    await screenshot(page, `admin-${path}`);
  }
  await page.getByRole('combobox', { name: 'Language' }).selectOption('nb');
  const navNb = page.getByRole('navigation', { name: 'Administrasjon' });
  await expect(navNb.getByRole('link', { name: 'Brukere' })).toBeVisible();
  await navNb.getByRole('link', { name: 'Åpningstider' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Åpningstider' })).toBeVisible();
  await page.getByRole('radio', { name: 'I disse tidene' }).check();
  await everyControlNamed(page, 'Åpningstider');
  await screenshot(page, 'admin-hours-nb');
  await page.getByRole('combobox', { name: 'Språk' }).selectOption('en');
  // The choice is kept with the user on the server, which the next specs share.
  await expect.poll(() => userLanguage(page)).toBe('en');
});

test('a side panel by keyboard: opens with the focus in it, Escape closes and gives the focus back', async ({ page }) => {
  await loginAdmin(page);
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Queues' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Queues' })).toBeFocused();
  const add = page.getByRole('button', { name: 'New queue' });
  await add.focus();
  await page.keyboard.press('Enter');
  const panel = page.getByRole('dialog', { name: 'New queue' });
  await expect(panel.getByRole('textbox', { name: 'Name' })).toBeFocused();
  // Tab stays inside the panel.
  for (let i = 0; i < 12; i++) await page.keyboard.press('Tab');
  expect(await panel.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  // Saving an empty form names the fields to fix, and focuses the first.
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('alert')).toHaveText('Check the fields marked below.');
  await expect(panel.getByRole('textbox', { name: 'Name' })).toBeFocused();
  await expect(panel.getByRole('textbox', { name: 'Name' })).toHaveAccessibleDescription('Required.');
  await screenshot(page, 'admin-queue-errors');
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(add).toBeFocused();
});

test('the widget page: the preview follows unsaved settings, and the snippet is one line', async ({ page }) => {
  await page.setViewportSize({ width: 1360, height: 900 });
  await loginAdmin(page);
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Widget' }).click();
  const preview = page.frameLocator('iframe[title="Preview of the chat widget"]');
  await expect(preview.getByRole('heading', { name: 'Chat with us' })).toBeVisible();
  // The preview, once shown, leaves the focus on the page's heading.
  await expect(preview.getByRole('button', { name: 'Start chat' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Widget' })).toBeFocused();
  await page.getByRole('textbox', { name: /^Title/ }).fill('Nordlys Energi');
  await page.getByRole('textbox', { name: /^Greeting/ }).fill('Hei! Ask us anything about your power.');
  await expect(preview.getByRole('heading', { name: 'Nordlys Energi' })).toBeVisible();
  await expect(preview.getByText('Hei! Ask us anything about your power.')).toBeVisible();
  await page.getByRole('textbox', { name: 'Main colour as #rrggbb', exact: true }).fill('#0b3d4f');
  await expect(page.getByRole('status').filter({ hasText: 'Contrast' })).toContainText('easy to read');
  await page.getByRole('textbox', { name: 'Main colour as #rrggbb', exact: true }).fill('#ffe08a');
  await expect(page.getByRole('status').filter({ hasText: 'Contrast' })).toContainText('too low');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('textbox', { name: 'Text on the main colour as #rrggbb' })).toHaveAccessibleDescription(/Too close to the main colour/);
  await page.getByRole('radio', { name: 'Always one queue' }).check();
  await page.getByRole('combobox', { name: 'The queue' }).selectOption({ label: 'Support' });
  await expect(preview.getByText('You will chat with: Support')).toBeVisible();
  await screenshot(page, 'admin-widget-preview');
  await expect(page.getByRole('textbox', { name: 'The widget’s script tag' })).toHaveValue(
    /^<script>window\.Skranke=window\.Skranke\|\|function\(\)\{\(Skranke\.q=Skranke\.q\|\|\[\]\)\.push\(arguments\)\}<\/script><script src="http:\/\/127\.0\.0\.1:\d+\/widget\.js" async><\/script>$/,
  );
  // Nothing was saved: the demo keeps its widget.
  await page.reload();
  await expect(page.getByRole('textbox', { name: /^Title/ })).toHaveValue('');
});

test('opening hours: a closed queue shows its closed text in the widget, refuses a chat, and agents see it closed', async ({ page, cast }) => {
  await loginAdmin(page);
  const nav = page.getByRole('navigation', { name: 'Administration' });
  // A queue of its own, closed all week, in the profile anna works in.
  await nav.getByRole('link', { name: 'Queues' }).click();
  await page.getByRole('button', { name: 'New queue' }).click();
  const panel = page.getByRole('dialog', { name: 'New queue' });
  await panel.getByRole('textbox', { name: 'Name' }).fill('Evening help');
  await panel.getByRole('textbox', { name: /Text while closed/ }).fill('Evening help opens at 18:00.');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel).toHaveCount(0);
  await page.getByRole('link', { name: 'Opening hours of Evening help' }).click();
  await page.getByRole('radio', { name: 'On these hours' }).check();
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) {
    await page.getByRole('checkbox', { name: `Open on ${day}` }).uncheck();
  }
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(page.getByText('Now: Closed')).toBeVisible();
  await nav.getByRole('link', { name: 'Profiles' }).click();
  await page.getByRole('button', { name: 'Edit All' }).click();
  const profile = page.getByRole('dialog', { name: 'Edit profile' });
  await profile.getByRole('checkbox', { name: 'Evening help' }).check();
  await profile.getByRole('button', { name: 'Save' }).click();
  await expect(profile).toHaveCount(0);

  try {
    // The agent's queue list marks it closed, at once (directory_changed).
    const anna = await cast.agent('anna', 'All');
    await expect(anna.page.getByRole('list', { name: 'Queues of your profile' }).getByText('Evening help (closed)')).toBeVisible();
    await screenshot(anna.page, 'agent-closed-queue');

    // The widget shows it closed with its text, and no chat can start in it.
    const kari = await cast.customer();
    await kari.frame.getByRole('radio', { name: /Evening help/ }).check();
    await expect(kari.frame.getByText('Evening help opens at 18:00.')).toBeVisible();
    await expect(kari.frame.getByRole('button', { name: 'Start chat' })).toBeDisabled();
    await screenshot(kari.page, 'widget-closed-queue');
    // Another queue still starts.
    await kari.frame.getByRole('radio', { name: 'Sales' }).check();
    await expect(kari.frame.getByRole('button', { name: 'Start chat' })).toBeEnabled();
  } finally {
    // Leave the demo as it was.
    await page.goto('/admin#/profiles');
    await page.getByRole('button', { name: 'Edit All' }).click();
    await page.getByRole('dialog').getByRole('checkbox', { name: 'Evening help' }).uncheck();
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await page.goto('/admin#/queues');
    await page.getByRole('button', { name: 'Edit Evening help' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Evening help is removed.' })).toBeVisible();
  }
});

test('users: deactivating an agent logs them out at once', async ({ page, browser }) => {
  // An agent of this test's own (the demo's are shared with the other tests).
  await loginAdmin(page);
  const created = await page.request.post('/api/v1/admin/users', {
    data: { username: 'dina', displayName: 'Dina', role: 'agent', capacity: 2, profiles: ['sales'], password: 'dina-password' },
  });
  expect(created.status()).toBe(201);
  const dina = ((await created.json()) as { user: { id: string } }).user;
  const ctx = await browser.newContext();
  const desk = await ctx.newPage();
  const logIn = async () => {
    await desk.getByRole('textbox', { name: 'Username' }).fill('dina');
    await desk.getByLabel('Password').fill('dina-password');
    await desk.getByRole('button', { name: 'Log in' }).click();
  };
  try {
    await desk.goto('/agent');
    await logIn();
    await expect(desk.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();

    await page.reload(); // the users page, with Dina online
    await expect(page.getByRole('row', { name: /Dina/ })).toContainText('Online');
    await page.getByRole('button', { name: 'Edit Dina' }).click();
    const panel = page.getByRole('dialog', { name: 'Edit user' });
    await panel.getByRole('button', { name: 'Deactivate' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Deactivate Dina?' });
    await expect(confirm).toContainText('logged out at once');
    await screenshot(page, 'admin-deactivate');
    await confirm.getByRole('button', { name: 'Deactivate' }).click();
    await expect(panel.getByText('Dina is deactivated and cannot log in.')).toBeVisible();
    // Her desk is back at the login form, and she cannot log in.
    await expect(desk.getByRole('button', { name: 'Log in' })).toBeVisible();
    await logIn();
    await expect(desk.getByRole('alert')).toHaveText('This account has been deactivated; ask an administrator.');

    await panel.getByRole('button', { name: 'Reactivate' }).click();
    await expect(panel.getByText('Dina is deactivated and cannot log in.')).toHaveCount(0);
    await desk.getByRole('button', { name: 'Log in' }).click();
    await expect(desk.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  } finally {
    await ctx.close();
    // She never had a part in a chat, so she can be deleted.
    expect((await page.request.delete(`/api/v1/admin/users/${dina.id}`)).status()).toBe(204);
  }
});
