// R14: the customer's transcript from the widget. During the chat the
// customer downloads the conversation and has it e-mailed (to the tests'
// own SMTP server); both hold what the customer saw, never the agent's
// private note. After the end the same choices are in the ended view.

import { readFileSync } from 'node:fs';
import { test, expect, mailParts, screenshot, waitForMail } from './fixtures';

test('the customer downloads the transcript and has it e-mailed, without the private note', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await kari.startChat('Sales', 'Kari');
  await anna.tab('Kari').click();
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(kari.log.getByText('Anna joined the chat')).toBeVisible();

  await kari.send('Hei, jeg lurer på fakturaen min');
  await anna.panel.getByRole('button', { name: 'Private message' }).click();
  await anna.input.fill('PRIVATE-E2E-NOTE sjekk kunden');
  await anna.input.press('Enter');
  await anna.panel.getByRole('button', { name: 'Private message' }).click();
  await expect(anna.panel.getByRole('button', { name: 'Private message' })).toHaveAttribute('aria-pressed', 'false');
  await anna.input.fill('Fakturaen er betalt.');
  await anna.input.press('Enter');
  await expect(kari.log.getByText('Fakturaen er betalt.')).toBeVisible();

  // The header's button opens the chat's choices, focus on the first.
  const open = kari.frame.getByRole('button', { name: 'Save or delete this chat' });
  await open.click();
  await expect(open).toHaveAttribute('aria-expanded', 'true');
  const panel = kari.frame.getByRole('region', { name: 'Save or delete this chat' });
  const download = panel.getByRole('button', { name: 'Download the conversation' });
  await expect(download).toBeFocused();

  const [file] = await Promise.all([kari.page.waitForEvent('download'), download.click()]);
  expect(file.suggestedFilename()).toMatch(/^chat-.*\.html$/);
  const html = readFileSync(await file.path(), 'utf8');
  expect(html).toContain('Fakturaen er betalt.');
  expect(html).toContain('lurer på fakturaen');
  expect(html).not.toContain('PRIVATE-E2E-NOTE');
  await expect(panel.getByRole('status')).toHaveText('The conversation is downloaded.');

  // E-mail: a bad address is refused with a clear message, a good one sent.
  await panel.getByRole('button', { name: 'Send it to me by e-mail' }).click();
  const address = panel.getByRole('textbox', { name: 'Your e-mail address' });
  await expect(address).toBeFocused();
  await address.fill('kari@localhost');
  await panel.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(panel.getByRole('alert')).toHaveText('That is not an e-mail address.');
  await address.fill('kari.e2e@example.no');
  await screenshot(kari.page, 'widget-transcript-panel');
  await panel.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(panel.getByRole('status')).toContainText('on its way to kari.e2e@example.no');
  await expect(panel.getByRole('button', { name: 'Send it to me by e-mail' })).toBeFocused();

  const mail = await waitForMail('kari.e2e@example.no');
  const parts = mailParts(mail);
  expect(parts['text/plain']).toContain('Fakturaen er betalt.');
  expect(parts['text/html']).toContain('Fakturaen er betalt.');
  for (const [type, text] of Object.entries(parts)) expect(text, type).not.toContain('PRIVATE-E2E-NOTE');

  // Escape closes the panel and gives the focus back to its button.
  await kari.page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(open).toBeFocused();
  await expect(kari.iframe).toBeVisible();

  // After the end, the ended view offers the download too.
  await kari.endChat();
  await expect(kari.frame.getByRole('button', { name: 'Download the conversation' })).toBeVisible();
  await screenshot(kari.page, 'widget-ended-transcript');
});
