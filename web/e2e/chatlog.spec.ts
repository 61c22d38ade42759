// The organisation's chat log and the privacy page (R15), in Chromium: a
// chat made here is found by a word of its private note, opened in full
// with the note marked private, evaluated, exported, and finally erased on
// request; the retention is changed (with its confirmation) and is still
// there after a reload; a supervisor has the chat log and nothing else.
// axe checks every page and dialog on the way (the outgoing e-mail page
// too). What the tests change they set back: the server is shared.

import { readFileSync } from 'node:fs';
import { test, expect, checkAxe, loginAdmin, screenshot } from './fixtures';

test('an admin finds a chat by a word of its private note, reads it with the note marked private, evaluates, exports and erases it', async ({
  browser,
  cast,
}) => {
  const stamp = Date.now().toString(36);
  const secret = `rabattkode${stamp}`;
  const customer = `Kari ${stamp}`;
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await kari.startChat('Sales', customer);
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(anna.input).toBeEnabled();
  await kari.send('My invoice for November is wrong');
  await expect(anna.log.getByText('My invoice for November is wrong', { exact: true })).toBeVisible();
  const privateToggle = anna.panel.getByRole('button', { name: 'Private message' });
  await privateToggle.click();
  const noteFile = Buffer.from(`Discount codes for ${customer}\n${secret}: 15 %\n`);
  await anna.panel.locator('input[type=file]').setInputFiles({ name: 'discount-codes.txt', mimeType: 'text/plain', buffer: noteFile });
  await expect(anna.panel.getByText('Files in a private message are private too')).toBeVisible();
  await expect(anna.panel.getByRole('button', { name: 'Send' })).toBeEnabled();
  await anna.input.fill(`Internal: she may use ${secret} for the discount`);
  await anna.input.press('Enter');
  await expect(anna.log.getByText(`Internal: she may use ${secret} for the discount`, { exact: true })).toBeVisible();
  await expect(anna.logItems.filter({ hasText: 'discount-codes.txt' })).toBeVisible();
  await privateToggle.click();
  await expect(privateToggle).toHaveAttribute('aria-pressed', 'false');
  await anna.input.fill('I will correct the invoice today.');
  await anna.input.press('Enter');
  await expect(kari.log.getByText('I will correct the invoice today.', { exact: true })).toBeVisible();
  await kari.endChat();

  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  await loginAdmin(page);
  const nav = page.getByRole('navigation', { name: 'Administration' });
  await nav.getByRole('link', { name: 'Chat log' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Chat log' })).toBeFocused();
  await expect(page.getByRole('heading', { level: 2, name: 'Chats' })).toBeVisible();

  // Search by keyboard: type the word, Enter.
  const search = page.getByRole('search', { name: 'Search the chat log' });
  await search.getByRole('searchbox', { name: 'Words to find' }).fill(secret);
  await search.getByRole('searchbox', { name: 'Words to find' }).press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: `Chats with “${secret}”` })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: '1 chat.' })).toBeVisible();
  const link = page.getByRole('link', { name: new RegExp(`^${customer}`) });
  await expect(link).toHaveCount(1);
  const hits = page.getByRole('list', { name: `Found in the chat with ${customer}` });
  const hit = hits.getByRole('listitem').filter({ hasText: secret });
  await expect(hit.locator('mark')).toHaveText(secret);
  await expect(hit.getByRole('img', { name: 'Private note' })).toBeVisible();
  await screenshot(page, 'chatlog-search');
  await checkAxe(page, 'the chat log with a search');

  // The list as CSV, by the same filter: this chat's row, with its private note counted.
  const csvDownload = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download the list (CSV)' }).click();
  const csv = readFileSync((await (await csvDownload).path())!, 'utf8').trim().split('\n');
  expect(csv).toHaveLength(2);
  expect(csv[1]).toContain(customer);

  // Open the chat at the note found, by keyboard: its whole log, the note focused,
  // marked private and set apart from the customer's messages.
  await hit.getByRole('link').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: `Chat with ${customer}` })).toBeVisible();
  const chatId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
  const log = page.getByRole('region', { name: 'The log' });
  const note = log.getByRole('listitem').filter({ hasText: secret });
  await expect(note).toBeFocused();
  // Its file, private with it, downloads as it was sent.
  const fileDownload = page.waitForEvent('download');
  await note.getByRole('link', { name: /discount-codes\.txt/ }).click();
  expect(readFileSync((await (await fileDownload).path())!).equals(noteFile)).toBe(true);
  await expect(note).toContainText('Private note');
  await expect(note).toHaveClass(/private/);
  const question = log.getByRole('listitem').filter({ hasText: 'My invoice for November is wrong' });
  await expect(question).not.toContainText('Private note');
  await expect(log.getByText('Offered to Anna')).toBeVisible();
  await expect(log.getByText('Anna joined')).toBeVisible();
  await expect(log.getByText(`${customer} ended the chat`)).toBeVisible();
  const about = page.getByRole('region', { name: 'About the chat' });
  await expect(about.getByText('Anna', { exact: true })).toBeVisible();

  // Evaluate it, by keyboard.
  const evaluation = page.getByRole('form', { name: 'Evaluation' });
  await evaluation.getByRole('radio', { name: '4' }).focus();
  await page.keyboard.press('Space');
  await expect(evaluation.getByRole('radio', { name: '4' })).toBeChecked();
  await evaluation.getByRole('textbox', { name: 'Note' }).fill('Friendly, and the discount was right.');
  await evaluation.getByRole('button', { name: 'Save the evaluation' }).click();
  await expect(evaluation.getByRole('status')).toHaveText('Saved.');
  await expect(evaluation.getByText(/^Last saved by Administrator/)).toBeVisible();
  await screenshot(page, 'chatlog-record');
  await checkAxe(page, 'one chat of the chat log');

  // The JSON export holds the whole log, the private note marked for agents only.
  const jsonDownload = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download the chat (JSON)' }).click();
  const exported = JSON.parse(readFileSync((await (await jsonDownload).path())!, 'utf8')) as {
    events: { kind: string; text?: string; visibility: string }[];
    evaluation?: { score: number };
  };
  expect(exported.events.find((e) => e.text?.includes(secret))?.visibility).toBe('agents');
  expect(exported.evaluation?.score).toBe(4);

  // In Norwegian.
  await page.getByRole('combobox', { name: 'Language' }).selectOption('nb');
  await expect(page.getByRole('heading', { level: 1, name: `Chat med ${customer}` })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Loggen' }).getByRole('listitem').filter({ hasText: secret })).toContainText('Privat notat');
  await screenshot(page, 'chatlog-record-nb');
  await page.getByRole('combobox', { name: 'Språk' }).selectOption('en');
  // On a phone's width the record is one column, the private note still apart.
  await page.setViewportSize({ width: 390, height: 844 });
  await note.scrollIntoViewIfNeeded();
  await screenshot(page, 'chatlog-record-narrow');
  await page.setViewportSize({ width: 1360, height: 900 });

  // Back to the list: the search is as it was, with the evaluation, and the focus on the chat.
  await page.getByRole('link', { name: 'Back to the chat log' }).click();
  await expect(link).toBeFocused();
  await expect(page.getByRole('listitem').filter({ has: link })).toContainText('4 of 5');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'chatlog-search-narrow');
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.getByRole('combobox', { name: 'Language' }).selectOption('nb');
  await expect(page.getByRole('heading', { level: 2, name: `Chatter med «${secret}»` })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ has: link })).toContainText('4 av 5');
  await screenshot(page, 'chatlog-search-nb');
  await page.getByRole('combobox', { name: 'Språk' }).selectOption('en');
  await page.setViewportSize({ width: 1360, height: 900 });

  // Erase it on request, from the privacy page: gone from the chat log, counted as deleted.
  await nav.getByRole('link', { name: 'Privacy' }).click();
  const erase = page.getByRole('form', { name: 'Delete a customer’s chats' });
  await erase.getByRole('combobox', { name: 'Find the chats by' }).selectOption({ label: 'Chat id' });
  await erase.getByRole('textbox', { name: 'Chat id' }).fill(chatId);
  await erase.getByRole('button', { name: 'Delete the chats' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Delete these chats?' });
  await expect(dialog).toContainText(chatId);
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await checkAxe(page, 'the privacy page asking before erasing');
  await dialog.getByRole('button', { name: 'Delete the chats' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(erase.getByRole('status')).toHaveText('1 chat deleted.');
  const deleted = page.getByRole('region', { name: 'Deleted chats' });
  await expect(deleted.getByRole('row').filter({ hasText: 'On request' }).first()).toBeVisible();
  await deleted.scrollIntoViewIfNeeded();
  await screenshot(page, 'privacy-erased');
  await nav.getByRole('link', { name: 'Chat log' }).click();
  await page.getByRole('searchbox', { name: 'Words to find' }).fill(secret);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByText('No chats match this search. Try fewer words or filters.')).toBeVisible();
  await context.close();
});

test('an admin keeps chats for less time: asked first, and the setting is kept after a reload', async ({ page }) => {
  await page.setViewportSize({ width: 1360, height: 900 });
  await loginAdmin(page);
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Privacy' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Privacy' })).toBeFocused();
  const form = page.getByRole('form', { name: 'Keeping chats' });
  const days = form.getByRole('spinbutton', { name: 'Keep ended chats for (days)' });
  const support = form.getByRole('spinbutton', { name: 'Support' });
  await expect(days).toHaveValue('365');
  await expect(support).toHaveValue('');
  await checkAxe(page, 'the privacy page');
  await screenshot(page, 'privacy');

  // A number out of range is named beside its field, and nothing is saved.
  await days.fill('5000');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('alert')).toHaveText('Check the fields marked below.');
  await expect(days).toBeFocused();
  await expect(days).toHaveAccessibleDescription(/Enter a number from 0 to 3650/);

  // Shorter: asked first; Cancel keeps everything as it was.
  await days.fill('200');
  await support.fill('30');
  await form.getByRole('button', { name: 'Save' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Delete older chats?' });
  await expect(dialog).toContainText('chats in Support');
  await expect(dialog).toContainText('all other chats');
  await screenshot(page, 'privacy-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await form.getByRole('button', { name: 'Save' }).click();
  await dialog.getByRole('button', { name: 'Save and delete older chats' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved.');

  await page.reload();
  await expect(days).toHaveValue('200');
  await expect(support).toHaveValue('30');
  await expect(form.getByRole('row', { name: /Sales/ })).toContainText('200 days');
  await expect(form.getByRole('row', { name: /Support/ })).toContainText('30 days');

  // In Norwegian, then back as it was: longer is saved without asking.
  await page.getByRole('combobox', { name: 'Language' }).selectOption('nb');
  await expect(page.getByRole('heading', { level: 1, name: 'Personvern' })).toBeVisible();
  await screenshot(page, 'privacy-nb');
  await page.getByRole('combobox', { name: 'Språk' }).selectOption('en');
  await days.fill('365');
  await support.fill('');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved.');
  await page.reload();
  await expect(days).toHaveValue('365');
  await expect(support).toHaveValue('');

  // The outgoing e-mail page, beside it.
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Outgoing e-mail' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Outgoing e-mail' })).toBeFocused();
  await expect(page.getByText('Loading…')).toHaveCount(0);
  await checkAxe(page, 'the outgoing e-mail page');
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Privacy' }).click();

  // On a phone's width: the privacy page in one column, and the chat log's
  // filters folded away until asked for, so the chats come first.
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'privacy-narrow');
  await page.goto('/admin#/chatlog');
  await expect(page.getByRole('heading', { level: 1, name: 'Chat log' })).toBeVisible();
  const queue = page.getByRole('combobox', { name: 'Queue' });
  await expect(queue).toBeHidden();
  await screenshot(page, 'chatlog-narrow-folded');
  await page.getByText('Filters', { exact: true }).click();
  await expect(queue).toBeVisible();
});

test('a supervisor has the chat log, and none of the administration', async ({ browser, page }) => {
  // A supervisor made for this test over the API, and removed after it.
  await loginAdmin(page);
  const username = `sup${Date.now().toString(36)}`;
  const made = await page.request.post('/api/v1/admin/users', {
    data: { username, displayName: 'Sofie Supervisor', role: 'supervisor', capacity: 3, profiles: [], password: 'sofie-demo-pw' },
  });
  expect(made.status()).toBe(201);
  const { user } = (await made.json()) as { user: { id: string; version: number } };
  try {
    const context = await browser.newContext();
    const sofie = await context.newPage();
    await sofie.goto('/admin#/privacy');
    await sofie.getByRole('textbox', { name: 'Username' }).fill(username);
    await sofie.getByLabel('Password').fill('sofie-demo-pw');
    await sofie.getByRole('button', { name: 'Log in' }).click();
    const nav = sofie.getByRole('navigation', { name: 'Administration' });
    await expect(nav.getByRole('link')).toHaveText(['Chat log']);
    // The privacy page is not hers: the address opens the chat log instead.
    await expect(sofie.getByRole('heading', { level: 1, name: 'Chat log' })).toBeVisible();
    await expect(sofie.getByRole('searchbox', { name: 'Words to find' })).toBeVisible();
    await expect(sofie.getByRole('combobox', { name: 'Queue' })).toBeVisible();
    await expect(sofie.getByRole('combobox', { name: 'Agent' })).toHaveCount(0);
    await expect(sofie.getByText('Loading…')).toHaveCount(0);
    await checkAxe(sofie, 'the chat log of a supervisor');
    await context.close();
  } finally {
    expect((await page.request.delete(`/api/v1/admin/users/${user.id}?version=${user.version}`)).status()).toBe(204);
  }
});
