// R16: a network drop on either side loses nothing and duplicates nothing.
// Chromium's offline emulation cuts the WebSocket; messages written meanwhile
// wait as "Sending…" and go once the network is back.

import { test, expect } from './fixtures';

test('a network drop loses and duplicates no message, on either side', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const eva = await cast.customer();
  await eva.startChat('Sales', 'Eva');
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(eva.log.getByText('Anna joined the chat')).toBeVisible();

  // The customer's network drops: her message waits, the agent's comes later.
  await eva.context.setOffline(true);
  await eva.send('Written offline');
  await expect(eva.log.getByText('Sending…')).toBeVisible();
  await anna.input.fill('Written while you were away');
  await anna.input.press('Enter');
  await expect(anna.log.getByText('Written while you were away', { exact: true })).toBeVisible();
  await eva.context.setOffline(false);
  await expect(anna.log.getByText('Written offline', { exact: true })).toHaveCount(1);
  await expect(eva.log.getByText('Written while you were away', { exact: true })).toHaveCount(1);
  await expect(eva.log.getByText('Sending…')).toHaveCount(0);
  await expect(eva.log.getByText('Written offline', { exact: true })).toHaveCount(1);

  // The agent's network drops: the desktop says so, the message waits.
  await anna.context.setOffline(true);
  await anna.input.fill('Agent offline');
  await anna.input.press('Enter');
  await expect(anna.log.getByText('Sending…')).toBeVisible();
  await eva.send('Customer online');
  await anna.context.setOffline(false);
  await expect(anna.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await expect(eva.log.getByText('Agent offline', { exact: true })).toHaveCount(1);
  await expect(anna.log.getByText('Customer online', { exact: true })).toHaveCount(1);
  await expect(anna.log.getByText('Agent offline', { exact: true })).toHaveCount(1);
  await expect(anna.log.getByText('Sending…')).toHaveCount(0);

  // Everything once, on both sides: joined + 4 messages (customer), started + joined + 4 (agent).
  await expect(eva.logItems).toHaveCount(5);
  await expect(anna.logItems).toHaveCount(6);

  await eva.endChat();
  await expect(anna.panel.getByRole('status')).toHaveText('The customer ended the chat');
  await anna.closeButton('Eva').click();
  await expect(anna.tabs).toHaveCount(0);
});
