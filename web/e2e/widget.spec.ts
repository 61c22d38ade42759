// R16: the widget on the demo website with nobody logged in for the queue:
// it says so, the chat still waits and shows its place; the launcher has a
// name; Escape closes the panel.

import { test, expect, screenshot } from './fixtures';

test('widget basics: no agent logged in, queue position, launcher name, Escape', async ({ cast }) => {
  // No agent is logged in in this test, and every other test logs its agents out.
  const customer = await cast.customer();
  const { frame, launcher, iframe } = customer;

  // The launcher is a named button that says whether the panel is open.
  await expect(launcher).toHaveAccessibleName('Chat with us');
  await expect(launcher).toHaveAttribute('aria-expanded', 'true');

  // Choosing Support: the start view says nobody is logged in, but allows starting.
  await frame.getByRole('radio', { name: 'Support' }).check();
  const noAgents = 'No agent is logged in right now. You can still start the chat; it will wait in the queue.';
  await expect(frame.getByText(noAgents)).toBeVisible();
  await customer.startChat('Support', 'Nora');

  // The chat waits: its place in the queue and the same clear notice.
  await expect(frame.getByText('You are number 1 in the queue')).toBeVisible();
  await expect(frame.getByText(noAgents)).toBeVisible();
  await customer.send('Hello, is anybody there?');
  await expect(customer.log.getByText('Hello, is anybody there?', { exact: true })).toBeVisible();
  await screenshot(customer.page, 'widget-waiting');

  // Escape in the panel closes it and gives the focus back to the launcher.
  await customer.input.focus();
  await customer.page.keyboard.press('Escape');
  await expect(iframe).toBeHidden();
  await expect(launcher).toHaveAttribute('aria-expanded', 'false');
  await expect(launcher).toBeFocused();

  // Opening it again shows the same chat, still waiting.
  await launcher.click();
  await expect(iframe).toBeVisible();
  await expect(frame.getByText('You are number 1 in the queue')).toBeVisible();
  await expect(customer.log.getByText('Hello, is anybody there?', { exact: true })).toHaveCount(1);

  // Escape in the end-chat dialog cancels the dialog only, not the panel.
  await frame.getByRole('button', { name: 'End chat' }).click();
  await expect(customer.dialog).toBeVisible();
  await customer.page.keyboard.press('Escape');
  await expect(customer.dialog).toHaveCount(0);
  await expect(iframe).toBeVisible();

  await customer.endChat();
});
