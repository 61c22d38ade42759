// R5: one agent holds two chats in two tabs; a message in the tab that is not
// selected marks it unread until the agent opens it; the agent ends both.

import { test, expect, screenshot } from './fixtures';

test('an agent with two chats in two tabs', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  await expect(anna.page.getByText('0 of 3 chats')).toBeVisible();

  // The first customer: the offer opens selected; Accept.
  const ola = await cast.customer();
  await ola.startChat('Sales', 'Ola');
  await expect(anna.tab('Ola')).toHaveAttribute('aria-selected', 'true');
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(anna.input).toBeEnabled();
  await expect(ola.log.getByText('Anna joined the chat')).toBeVisible();

  // The second customer's offer arrives as a new tab beside the open chat,
  // without taking the selection from it.
  const siri = await cast.customer();
  await siri.startChat('Sales', 'Siri');
  await expect(anna.tab('Siri')).toBeVisible();
  await expect(anna.tab('Siri')).toContainText('New');
  await expect(anna.tab('Ola')).toHaveAttribute('aria-selected', 'true');
  await expect(anna.tab('Siri')).toHaveAttribute('aria-selected', 'false');
  await anna.tab('Siri').click();
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(anna.input).toBeEnabled();
  await expect(siri.log.getByText('Anna joined the chat')).toBeVisible();
  await expect(anna.tabs).toHaveCount(2);
  await expect(anna.page.getByText('2 of 3 chats')).toBeVisible();

  // Back to Ola. Ola has minimised the widget: the agent's message shows as
  // unread on the launcher until Ola opens the panel again.
  await anna.tab('Ola').click();
  await expect(anna.tab('Ola')).toHaveAttribute('aria-selected', 'true');
  await ola.frame.getByRole('button', { name: 'Minimise' }).click();
  await expect(ola.iframe).toBeHidden();
  await anna.input.fill('Hello Ola');
  await anna.input.press('Enter');
  await expect(ola.launcher).toHaveAccessibleName('Chat with us (1 unread message)');
  await ola.launcher.click();
  await expect(ola.log.getByText('Hello Ola', { exact: true })).toBeVisible();
  await expect(ola.launcher).toHaveAccessibleName('Chat with us');

  // Siri writes: her tab gets an unread marker.
  await siri.send('Is anyone there?');
  const marker = anna.tab('Siri').getByRole('img', { name: '1 unread' });
  await expect(marker).toBeVisible();
  await expect(anna.tab('Siri')).toHaveAccessibleName(/1 unread/);
  await expect(anna.tab('Ola')).not.toHaveAccessibleName(/unread/);
  // The open chat does not show Siri's message.
  await expect(anna.log.getByText('Is anyone there?')).toHaveCount(0);
  await screenshot(anna.page, 'agent-two-chats');

  // Opening Siri's tab shows the message and clears the marker.
  await anna.tab('Siri').click();
  await expect(anna.tab('Siri')).toHaveAttribute('aria-selected', 'true');
  await expect(anna.log.getByText('Is anyone there?', { exact: true })).toBeVisible();
  await expect(marker).toHaveCount(0);
  await expect(anna.tab('Siri')).not.toHaveAccessibleName(/unread/);

  // The agent reloads the desktop: both chats come back, with their history, once.
  await anna.page.reload();
  await expect(anna.tabs).toHaveCount(2);
  await expect(anna.input).toBeEnabled();
  await anna.tab('Ola').click();
  await expect(anna.log.getByText('Hello Ola', { exact: true })).toHaveCount(1);
  await expect(anna.logItems).toHaveCount(3); // started, joined, Hello Ola
  await anna.tab('Siri').click();
  await expect(anna.log.getByText('Is anyone there?', { exact: true })).toHaveCount(1);
  await expect(anna.logItems).toHaveCount(3); // started, joined, Is anyone there?
  await expect(anna.page.getByText('2 of 3 chats')).toBeVisible();

  // The agent ends both chats, each after the confirmation.
  await anna.endChat('Siri');
  await expect(siri.log.getByText('The agent ended the chat')).toBeVisible();
  await expect(siri.input).toBeDisabled();
  siri.chatting = false;
  await expect(anna.tab('Ola')).toHaveAttribute('aria-selected', 'true');
  await anna.endChat('Ola');
  await expect(ola.log.getByText('The agent ended the chat')).toBeVisible();
  await expect(ola.input).toBeDisabled();
  ola.chatting = false;
  await expect(anna.tabs).toHaveCount(0);
  await expect(anna.page.getByText('0 of 3 chats')).toBeVisible();
});
