// Choice menus (R9) by keyboard alone: the agent offers choices from the
// "Offer choices" dialog, the customer picks one with the keyboard, the
// agent sees the structured answer set apart from text, the menu is
// answered on every copy, and a reload on both sides shows the same.

import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, screenshot, type AgentDesk, type CustomerSite } from './fixtures';

/** checkAxe fails with the serious and critical findings on the page (its frames included). */
async function checkAxe(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`);
  expect(bad, `axe on ${what}`).toEqual([]);
}

async function startChat(agent: AgentDesk, customer: CustomerSite, name: string): Promise<void> {
  await customer.startChat('Sales', name);
  await expect(agent.tab(name)).toBeVisible();
  await agent.panel.getByRole('button', { name: 'Accept' }).press('Enter');
  await expect(agent.input).toBeEnabled();
  await expect(customer.log.getByText(`${agent.displayName} joined the chat`)).toBeVisible();
}

test('the agent offers choices, the customer picks one by keyboard, both see the answer after a reload', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await startChat(anna, kari, 'Kari');

  // The dialog, by keyboard: the question, two options, a third added with Enter.
  await anna.panel.getByRole('button', { name: 'Offer choices' }).press('Enter');
  const dialog = anna.page.getByRole('dialog', { name: 'Offer Kari choices' });
  await expect(dialog.getByRole('textbox', { name: 'Question' })).toBeFocused();
  await anna.page.keyboard.type('What can we help you with?');
  await anna.page.keyboard.press('Tab');
  await expect(dialog.getByRole('textbox', { name: 'Option 1' })).toBeFocused();
  await anna.page.keyboard.type('Upgrade my plan');
  await dialog.getByRole('textbox', { name: 'Option 2' }).press('Tab'); // past Remove option 1
  await dialog.getByRole('textbox', { name: 'Option 2' }).focus();
  await anna.page.keyboard.type('Cancel my plan');
  await anna.page.keyboard.press('Enter'); // Enter in the last option adds one
  await expect(dialog.getByRole('textbox', { name: 'Option 3' })).toBeFocused();
  await anna.page.keyboard.type('Something else');
  await screenshot(anna.page, 'menus-dialog');
  await checkAxe(anna.page, 'the Offer choices dialog');
  await dialog.getByRole('button', { name: 'Send the choices' }).press('Enter');
  await expect(dialog).toHaveCount(0);
  const card = anna.log.getByRole('group', { name: 'Anna offered choices' });
  await expect(card).toContainText('What can we help you with?');
  await expect(card).toContainText('Waiting for Kari to choose');

  // The customer: a group named by the question, one button per option.
  const menu = kari.log.getByRole('group', { name: 'What can we help you with?' });
  await expect(menu.getByRole('button')).toHaveCount(3);
  await menu.getByRole('button', { name: 'Upgrade my plan' }).focus();
  await kari.frame.locator('body').press('Tab');
  await expect(menu.getByRole('button', { name: 'Cancel my plan' })).toBeFocused();
  await kari.frame.locator('body').press('Shift+Tab');
  await expect(menu.getByRole('button', { name: 'Upgrade my plan' })).toBeFocused();
  await menu.getByRole('button', { name: 'Upgrade my plan' }).press('Enter');
  await expect(kari.log.getByText('You chose: Upgrade my plan')).toBeVisible();
  await expect(menu.getByRole('button', { name: /Upgrade my plan/ })).toHaveAttribute('aria-pressed', 'true');
  for (const b of await menu.getByRole('button').all()) await expect(b).toHaveAttribute('aria-disabled', 'true');

  // The agent sees the structured answer, set apart from text.
  await expect(anna.log.getByText('Kari chose: Upgrade my plan').first()).toBeVisible();
  await expect(anna.log.locator('.choice-line')).toHaveText(/Kari chose: Upgrade my plan/);
  await screenshot(anna.page, 'menus-agent-answered');
  await screenshot(kari.page, 'menus-customer-answered');
  await checkAxe(kari.page, 'the widget with an answered menu');
  await checkAxe(anna.page, 'the desktop with an answered menu');

  // A second press is refused: nothing changes on either side.
  await menu.getByRole('button', { name: 'Cancel my plan' }).press('Enter');
  await expect(kari.log.getByText('You chose: Upgrade my plan')).toBeVisible();
  await expect(anna.log.locator('.choice-line')).toHaveCount(1);

  // A reload on both sides shows the same state.
  await kari.page.reload();
  await expect(kari.launcher).toHaveAttribute('aria-expanded', 'true');
  const again = kari.log.getByRole('group', { name: 'What can we help you with?' });
  await expect(kari.log.getByText('You chose: Upgrade my plan')).toBeVisible();
  await expect(again.getByRole('button', { name: /Upgrade my plan/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(again.getByRole('button', { name: 'Cancel my plan' })).toHaveAttribute('aria-disabled', 'true');
  await anna.page.reload();
  await expect(anna.log.locator('.choice-line')).toHaveText(/Kari chose: Upgrade my plan/);
  await expect(anna.log.getByRole('group', { name: 'Anna offered choices' })).toContainText('Kari chose: Upgrade my plan');

  // A menu withdrawn is no longer available to the customer.
  await anna.panel.getByRole('button', { name: 'Offer choices' }).press('Enter');
  // Typed only once the dialog has put the focus in the question (a
  // keystroke before that is lost, as it would be for a person).
  await expect(dialog.getByRole('textbox', { name: 'Question' })).toBeFocused();
  await anna.page.keyboard.type('Which day suits you?');
  await dialog.getByRole('textbox', { name: 'Option 1' }).fill('Monday');
  await dialog.getByRole('textbox', { name: 'Option 2' }).fill('Tuesday');
  await dialog.getByRole('button', { name: 'Send the choices' }).press('Enter');
  const day = kari.log.getByRole('group', { name: 'Which day suits you?' });
  await expect(day.getByRole('button', { name: 'Monday' })).toHaveAttribute('aria-disabled', 'false');
  await anna.log.getByRole('button', { name: 'Withdraw the choices “Which day suits you?”' }).press('Enter');
  await expect(kari.log.getByText('This choice is no longer available.')).toBeVisible();
  await expect(day.getByRole('button', { name: 'Monday' })).toHaveAttribute('aria-disabled', 'true');
  await expect(anna.log.getByText('Anna withdrew the choices')).toBeVisible();
});

test('the agent types /open, picks Opening hours, edits it and sends; the button opens the same list', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await startChat(anna, kari, 'Kari');

  // "/" at the start of the input opens the list inline, filtered as one types.
  await anna.input.focus();
  await anna.page.keyboard.type('/open');
  const inline = anna.panel.getByRole('listbox', { name: 'Predefined messages' });
  await expect(inline.getByRole('option')).toHaveCount(1);
  await expect(inline.getByRole('option', { name: /Opening hours/ })).toHaveAttribute('aria-selected', 'true');
  await screenshot(anna.page, 'predefined-inline');
  await checkAxe(anna.page, 'the inline list of predefined messages');
  await anna.page.keyboard.press('Enter'); // puts the text in; does not send
  await expect(inline).toHaveCount(0);
  await expect(anna.input).toHaveValue('Hi Kari! We are open weekdays from 8 to 16.');
  await expect(anna.input).toBeFocused();
  // The agent edits a word and sends.
  for (let i = 0; i < 3; i++) await anna.page.keyboard.press('Backspace');
  await anna.page.keyboard.type('17.');
  await anna.page.keyboard.press('Enter');
  await expect(kari.log.getByText('Hi Kari! We are open weekdays from 8 to 17.', { exact: true })).toBeVisible();
  await expect(anna.input).toHaveValue('');

  // The button opens the same list with a search box; the one just used comes first.
  await anna.panel.getByRole('button', { name: 'Predefined messages' }).press('Enter');
  const search = anna.panel.getByRole('combobox', { name: 'Search predefined messages' });
  await expect(search).toBeFocused();
  const list = anna.panel.getByRole('listbox', { name: 'Predefined messages' });
  await expect(list.getByRole('option').first()).toContainText('Opening hours');
  await anna.page.keyboard.press('ArrowDown');
  await expect(list.getByRole('option').nth(1)).toHaveAttribute('aria-selected', 'true');
  await anna.page.keyboard.type('greet');
  await expect(list.getByRole('option')).toHaveCount(1);
  await anna.page.keyboard.press('Enter');
  await expect(anna.input).toHaveValue('Hello Kari, my name is Anna. How can I help you?');
  await expect(anna.input).toBeFocused();
  await anna.page.keyboard.press('Enter');
  await expect(kari.log.getByText('Hello Kari, my name is Anna. How can I help you?', { exact: true })).toBeVisible();

  // An agent keeps messages of their own beside the organisation's.
  await anna.panel.getByRole('button', { name: 'Predefined messages' }).press('Enter');
  await anna.panel.getByText('Add a message of your own').click();
  await anna.panel.getByRole('textbox', { name: 'Title' }).fill('My sign-off');
  await anna.panel.getByRole('textbox', { name: 'Text', exact: true }).fill('Bye {customer.name}, {agent.name} here.');
  await anna.panel.getByRole('button', { name: 'Save it' }).press('Enter');
  await expect(search).toBeFocused();
  await anna.page.keyboard.type('sign');
  await expect(list.getByRole('option', { name: /My sign-off/ })).toContainText('Yours');
  await anna.panel.getByRole('button', { name: 'Delete your message “My sign-off”' }).click();
  await expect(list.getByRole('option', { name: /My sign-off/ })).toHaveCount(0);
  await anna.page.keyboard.press('Escape');
  await expect(anna.panel.getByRole('button', { name: 'Predefined messages' })).toBeFocused();
  await anna.input.focus();

  // Escape closes the inline list and leaves what was typed.
  await anna.page.keyboard.type('/pri');
  await expect(inline.getByRole('option', { name: /Prices/ })).toBeVisible();
  await anna.page.keyboard.press('Escape');
  await expect(inline).toHaveCount(0);
  await expect(anna.input).toHaveValue('/pri');
});

test('the administrator creates, scopes, edits and deletes a predefined message; an unknown placeholder is refused', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/admin');
  await page.getByRole('textbox', { name: 'Username' }).fill('admin');
  await page.getByLabel('Password').fill('admin-demo');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Predefined messages' }).click();
  await expect(page.getByRole('heading', { name: 'Predefined messages' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Opening hours/ })).toBeVisible(); // the demo's

  await page.getByRole('button', { name: 'New predefined message' }).click();
  const panel = page.getByRole('dialog', { name: 'New predefined message' });
  await panel.getByRole('textbox', { name: 'Title' }).fill('Router restart');
  await panel.getByRole('textbox', { name: 'Category' }).fill('Support');
  await panel.getByRole('textbox', { name: 'Text' }).fill('Hi {customer.firstname}, please restart the router.');
  await panel.getByRole('radio', { name: 'The chats of some queues' }).check();
  await panel.getByRole('checkbox', { name: 'Support' }).check();
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByText('Unknown placeholder {customer.firstname}')).toBeVisible();
  await expect(panel.getByRole('textbox', { name: 'Text' })).toBeFocused();
  await panel.getByRole('textbox', { name: 'Text' }).fill('Hi {customer.name}, please restart the router.');
  await screenshot(page, 'admin-predefined-new');
  await checkAxe(page, 'the predefined message form');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel).toHaveCount(0);
  const row = page.getByRole('row', { name: /Router restart/ });
  await expect(row).toContainText('Support');

  // Edit: for everyone now.
  await row.getByRole('button', { name: 'Edit Router restart' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit predefined message' });
  await edit.getByRole('radio', { name: 'Everyone' }).check();
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toHaveCount(0);
  await expect(row.getByRole('listitem')).toHaveText(['Everyone']);

  // Delete.
  await row.getByRole('button', { name: 'Edit Router restart' }).click();
  await edit.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('row', { name: /Router restart/ })).toHaveCount(0);
  await context.close();
});

test('the administrator saves a menu; the agent offers it from the dialog and the customer answers it', async ({ browser, cast }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/admin');
  await page.getByRole('textbox', { name: 'Username' }).fill('admin');
  await page.getByLabel('Password').fill('admin-demo');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Saved menus' }).click();
  await page.getByRole('button', { name: 'New saved menu' }).click();
  const panel = page.getByRole('dialog', { name: 'New saved menu' });
  await panel.getByRole('textbox', { name: 'Name' }).fill('Delivery');
  await panel.getByRole('textbox', { name: 'Question' }).fill('When shall we deliver?');
  await panel.getByRole('textbox', { name: 'Option 1' }).fill('Morning');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByText('A menu has 2 to 10 options.')).toBeVisible();
  await panel.getByRole('textbox', { name: 'Option 2' }).fill('Afternoon');
  await panel.getByRole('button', { name: 'Add an option' }).click();
  await panel.getByRole('textbox', { name: 'Option 3' }).fill('Evening');
  await screenshot(page, 'admin-saved-menu');
  await checkAxe(page, 'the saved menu form');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel).toHaveCount(0);
  await expect(page.getByRole('row', { name: /Delivery/ })).toContainText('Evening');
  // Edited: one option fewer.
  await page.getByRole('button', { name: 'Edit Delivery' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit saved menu' });
  await edit.getByRole('button', { name: 'Remove option 3' }).click();
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('row', { name: /Delivery/ })).not.toContainText('Evening');

  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await startChat(anna, kari, 'Kari');
  await anna.panel.getByRole('button', { name: 'Offer choices' }).press('Enter');
  const dialog = anna.page.getByRole('dialog', { name: 'Offer Kari choices' });
  await dialog.getByRole('combobox', { name: 'Start from a saved menu' }).selectOption({ label: 'Delivery' });
  await expect(dialog.getByRole('textbox', { name: 'Question' })).toHaveValue('When shall we deliver?');
  await expect(dialog.getByRole('textbox', { name: 'Option 2' })).toHaveValue('Afternoon');
  await dialog.getByRole('button', { name: 'Send the choices' }).press('Enter');
  const menu = kari.log.getByRole('group', { name: 'When shall we deliver?' });
  await menu.getByRole('button', { name: 'Afternoon' }).press('Enter');
  await expect(anna.log.locator('.choice-line')).toHaveText(/Kari chose: Afternoon/);

  // Deleted: gone from the list; the chat keeps its menu.
  await page.getByRole('button', { name: 'Edit Delivery' }).click();
  await edit.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('row', { name: /Delivery/ })).toHaveCount(0);
  await expect(kari.log.getByText('You chose: Afternoon')).toBeVisible();
  await context.close();
});
