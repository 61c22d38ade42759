// Security smoke: markup in a message is text, on both sides, and never
// becomes elements or runs script.

import { test, expect } from './fixtures';

const payload = '<img src=x onerror=alert(1)><b>bold</b>';

test('markup in messages is shown as literal text to agent and customer', async ({ cast }) => {
  const bjorn = await cast.agent('bjorn', 'Sales');
  const mallory = await cast.customer();
  const dialogs: string[] = [];
  for (const page of [bjorn.page, mallory.page]) page.on('dialog', (d) => void (dialogs.push(d.message()), d.dismiss()));

  await mallory.startChat('Sales', 'Mallory <i>x</i>');
  const tab = bjorn.tab('Mallory <i>x</i>');
  await expect(tab).toBeVisible();
  await bjorn.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(bjorn.input).toBeEnabled();

  // Customer → agent.
  await mallory.send(payload);
  await expect(bjorn.log.getByText(payload, { exact: true })).toBeVisible();
  await expect(bjorn.log.locator('img, b, i')).toHaveCount(0);
  await expect(bjorn.panel.getByRole('heading', { name: 'Mallory <i>x</i>' })).toBeVisible();
  await expect(bjorn.page.getByRole('tablist').locator('i')).toHaveCount(0);

  // Agent → customer.
  await bjorn.input.fill(`echo ${payload}`);
  await bjorn.input.press('Enter');
  await expect(mallory.log.getByText(`echo ${payload}`, { exact: true })).toBeVisible();
  await expect(mallory.log.getByText(payload, { exact: true })).toBeVisible();
  await expect(mallory.log.locator('img, b, i')).toHaveCount(0);

  expect(dialogs).toEqual([]);
  await bjorn.endChat('Mallory <i>x</i>');
  await expect(mallory.log.getByText('The agent ended the chat')).toBeVisible();
  mallory.chatting = false;
});
