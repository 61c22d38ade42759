// Agents together in one chat (R10, R11): inviting a named colleague with a
// note, the invitation tab with the conversation so far, private messages
// the customer never sees, leaving; the one-pending rule with Withdraw; and a
// queue invitation that goes on to the next agent after a rejection.

import { test, expect, screenshot, type AgentDesk, type CustomerSite } from './fixtures';

/** startChat has the customer start a Sales chat that agent accepts; it returns when both can write. */
async function startChat(agent: AgentDesk, customer: CustomerSite, name: string): Promise<void> {
  await customer.startChat('Sales', name);
  await expect(agent.tab(name)).toBeVisible();
  await agent.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(agent.input).toBeEnabled();
  await expect(customer.log.getByText(`${agent.displayName} joined the chat`)).toBeVisible();
}

function inviteButton(agent: AgentDesk) {
  return agent.panel.getByRole('button', { name: 'Invite a colleague' });
}

function inviteDialog(agent: AgentDesk) {
  return agent.page.getByRole('dialog', { name: 'Invite a colleague' });
}

function privateToggle(agent: AgentDesk) {
  return agent.panel.getByRole('button', { name: 'Private message' });
}

/** message is the log line holding exactly this text. */
function message(agent: AgentDesk, text: string) {
  return agent.logItems.filter({ has: agent.page.getByText(text, { exact: true }) });
}

test('invite a named colleague, talk privately, leave; the customer sees none of the private messages', async ({ cast }) => {
  const bjorn = await cast.agent('bjorn'); // paused: the customer's chat must go to Anna
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await startChat(anna, kari, 'Kari');

  await kari.send('My order has not arrived');
  await expect(anna.log.getByText('My order has not arrived', { exact: true })).toBeVisible();
  await anna.input.fill('Let me look into it.');
  await anna.input.press('Enter');
  await expect(kari.log.getByText('Let me look into it.', { exact: true })).toBeVisible();

  // A private note before anyone else is in the chat (an internal note).
  await privateToggle(anna).click();
  await expect(privateToggle(anna)).toHaveAttribute('aria-pressed', 'true');
  await expect(anna.panel.getByText('Private — the customer cannot see this')).toBeVisible();
  await expect(anna.input).toHaveAttribute('placeholder', 'Private note to agents…');
  await anna.input.fill('Note: order 4711 is stuck in the warehouse');
  await anna.input.press('Enter');
  await expect(message(anna, 'Note: order 4711 is stuck in the warehouse').getByRole('img', { name: 'private' })).toBeVisible();
  await privateToggle(anna).click();
  await expect(privateToggle(anna)).toHaveAttribute('aria-pressed', 'false');
  await expect(anna.panel.getByText('Private — the customer cannot see this')).toHaveCount(0);

  // Anna opens the invite dialog: Bjørn is paused, so he cannot be chosen.
  await inviteButton(anna).click();
  const dialog = inviteDialog(anna);
  await expect(dialog).toBeVisible();
  const bjornRadio = dialog.getByRole('radio', { name: 'Bjørn' });
  await expect(bjornRadio).toBeDisabled();
  await expect(dialog.getByText('Paused')).toBeVisible();
  await dialog.press('Escape');
  await expect(dialog).toHaveCount(0);

  await bjorn.ready('Support');
  await inviteButton(anna).click();
  await expect(bjornRadio).toBeEnabled(); // the list is fetched anew
  await expect(dialog.getByText('0 of 3 chats')).toBeVisible();
  await bjornRadio.check();
  await dialog.getByRole('textbox', { name: /Note for your colleague/ }).fill('Can you check the delivery?');
  await expect(dialog.getByRole('radio', { name: 'Stay in the chat' })).toBeChecked();
  await screenshot(anna.page, 'invite-dialog');
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(dialog).toHaveCount(0);

  // Anna sees the invitation pending.
  await expect(anna.log.getByText('Bjørn was invited')).toBeVisible();
  await expect(anna.panel.getByText('Waiting for Bjørn to answer…')).toBeVisible();
  await expect(anna.panel.getByRole('button', { name: 'Invitation pending' })).toBeDisabled();

  // Bjørn's invitation tab: who, the note, the customer and the conversation so far.
  await expect(bjorn.tab('Kari')).toContainText('Invited');
  await expect(bjorn.page).toHaveTitle('(1) New chat — Skranke');
  const inv = bjorn.panel;
  await expect(inv.getByRole('heading', { name: 'Invitation to a chat' })).toBeVisible();
  await expect(inv.getByRole('definition').nth(0)).toHaveText('Anna');
  await expect(inv.getByRole('definition').nth(1)).toHaveText('Can you check the delivery?');
  await expect(inv.getByRole('definition').nth(2)).toHaveText('Kari');
  await expect(inv.getByRole('definition').nth(3)).toHaveText('Sales');
  await expect(bjorn.log.getByText('My order has not arrived', { exact: true })).toBeVisible();
  await expect(message(bjorn, 'Note: order 4711 is stuck in the warehouse').getByRole('img', { name: 'private' })).toBeVisible();
  await expect(inv.getByRole('progressbar', { name: 'Time left to answer' })).toHaveAttribute('aria-valuetext', /^0:[0-3]\d$/);
  await screenshot(bjorn.page, 'invitation-tab');

  // Bjørn accepts: a chat with the whole history; everyone is told.
  await inv.getByRole('button', { name: 'Accept' }).click();
  await expect(bjorn.input).toBeEnabled();
  await expect(bjorn.tab('Kari')).not.toContainText('Invited');
  await expect(bjorn.log.getByText('Let me look into it.', { exact: true })).toBeVisible();
  await expect(anna.log.getByText('Bjørn joined the chat')).toBeVisible();
  await expect(anna.panel.getByText('Waiting for Bjørn to answer…')).toHaveCount(0);
  await expect(inviteButton(anna)).toBeEnabled();
  await expect(kari.log.getByText('Bjørn joined the chat')).toBeVisible();

  // Private messages both ways, marked with the eye for both agents.
  await privateToggle(anna).click();
  await anna.input.fill('Private: she is a VIP customer');
  await anna.input.press('Enter');
  await expect(message(bjorn, 'Private: she is a VIP customer').getByRole('img', { name: 'private' })).toBeVisible();
  await privateToggle(bjorn).click();
  await bjorn.input.pressSequentially('Private: on it (ZX9)', { delay: 20 });
  await bjorn.input.press('Enter');
  await expect(message(anna, 'Private: on it (ZX9)').getByRole('img', { name: 'private' })).toBeVisible();
  await expect(message(bjorn, 'Private: on it (ZX9)').getByRole('img', { name: 'private' })).toBeVisible();
  await screenshot(anna.page, 'private-messages');

  // Back to the customer: a public message gets there, after the private ones.
  await privateToggle(anna).click();
  await anna.input.fill('Bjørn will help you from here.');
  await anna.input.press('Enter');
  await expect(kari.log.getByText('Bjørn will help you from here.', { exact: true })).toBeVisible();
  await expect(message(anna, 'Bjørn will help you from here.').getByRole('img', { name: 'private' })).toHaveCount(0);
  const widgetText = await kari.frame.locator('body').innerText();
  for (const secret of ['4711', 'VIP', 'ZX9', 'Can you check the delivery', 'invited', 'private']) {
    expect(widgetText).not.toContain(secret);
  }
  await expect(kari.frame.getByText('is typing')).toHaveCount(0);
  await screenshot(kari.page, 'widget-with-colleague');

  // Anna leaves; Bjørn stays with the customer.
  await anna.panel.getByRole('button', { name: 'Leave chat' }).click();
  await expect(anna.dialog).toHaveAccessibleName('Leave chat?');
  await expect(anna.dialog).toContainText('Leave this chat? Bjørn stays with the customer.');
  await anna.dialog.getByRole('button', { name: 'Leave chat' }).click();
  await expect(anna.tab('Kari')).toHaveCount(0);
  await expect(bjorn.log.getByText('Anna left the chat')).toBeVisible();
  await expect(kari.log.getByText('Anna left the chat')).toBeVisible();

  // Bjørn and the customer go on.
  await privateToggle(bjorn).click();
  await expect(privateToggle(bjorn)).toHaveAttribute('aria-pressed', 'false');
  await kari.send('Thanks, Bjørn');
  await expect(bjorn.log.getByText('Thanks, Bjørn', { exact: true })).toBeVisible();
  await bjorn.input.fill('It ships tomorrow.');
  await bjorn.input.press('Enter');
  await expect(kari.log.getByText('It ships tomorrow.', { exact: true })).toBeVisible();
  expect(await kari.frame.locator('body').innerText()).not.toContain('VIP');

  await kari.endChat();
  await expect(bjorn.input).toBeDisabled();
  await bjorn.closeButton('Kari').click();
  await expect(bjorn.tabs).toHaveCount(0);
});

test('one invitation at a time: Invite is disabled while pending, Withdraw takes it back; invite and leave', async ({ cast }) => {
  const bjorn = await cast.agent('bjorn');
  const anna = await cast.agent('anna', 'Sales');
  const ola = await cast.customer();
  await startChat(anna, ola, 'Ola');
  await bjorn.ready('Support');

  await inviteButton(anna).click();
  const dialog = inviteDialog(anna);
  await dialog.getByRole('radio', { name: 'Bjørn' }).check();
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(dialog).toHaveCount(0);

  await expect(anna.input).toBeFocused(); // not lost with the Invite button
  const pendingButton = anna.panel.getByRole('button', { name: 'Invitation pending' });
  await expect(pendingButton).toBeDisabled();
  await expect(inviteButton(anna)).toHaveCount(0);
  await expect(bjorn.tab('Ola')).toContainText('Invited');
  await expect(anna.panel.getByRole('status').filter({ hasText: 'Waiting for Bjørn to answer…' })).toBeVisible();
  await screenshot(anna.page, 'invitation-pending');

  // Withdraw: the line goes, Invite comes back, Bjørn's tab closes with a notice.
  await anna.panel.getByRole('button', { name: 'Withdraw' }).click();
  await expect(anna.log.getByText('Invitation withdrawn')).toBeVisible();
  await expect(anna.panel.getByText('Waiting for Bjørn to answer…')).toHaveCount(0);
  await expect(inviteButton(anna)).toBeEnabled();
  await expect(bjorn.tab('Ola')).toHaveCount(0);
  await expect(bjorn.page.getByText('The invitation to the chat with Ola was withdrawn.')).toBeVisible();

  // A second invitation may go out now; the server refuses one for a paused colleague.
  await bjorn.pause();
  await inviteButton(anna).click();
  await expect(dialog.getByRole('radio', { name: 'Bjørn' })).toBeDisabled();
  await dialog.getByRole('radio', { name: 'Anyone available in a queue' }).check();
  await dialog.getByRole('radio', { name: 'Support' }).check();
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Nobody in Support can take an invitation right now.');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(inviteButton(anna)).toBeFocused();

  // Invite and leave at once: Anna's tab closes without asking, Bjørn takes over.
  await bjorn.ready('Support');
  await inviteButton(anna).click();
  await dialog.getByRole('radio', { name: 'Bjørn' }).check();
  await dialog.getByRole('radio', { name: 'Leave after inviting' }).check();
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(anna.tab('Ola')).toHaveCount(0);
  await expect(anna.dialog).toHaveCount(0);
  await expect(ola.log.getByText('Anna left the chat')).toBeVisible();
  await expect(ola.input).toBeEnabled();
  await bjorn.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(bjorn.input).toBeEnabled();
  await expect(bjorn.log.getByText('Anna left the chat')).toBeVisible();
  await expect(ola.log.getByText('Bjørn joined the chat')).toBeVisible();

  await ola.endChat();
  await bjorn.closeButton('Ola').click();
  await expect(bjorn.tabs).toHaveCount(0);
});

test('a queue invitation rejected by one agent goes on to the next', async ({ cast }) => {
  const bjorn = await cast.agent('bjorn');
  const carla = await cast.agent('carla');
  const anna = await cast.agent('anna', 'Sales');
  const pia = await cast.customer();
  await startChat(anna, pia, 'Pia');
  await bjorn.ready('Support');
  await carla.ready('Support');

  await inviteButton(anna).click();
  const dialog = inviteDialog(anna);
  await dialog.getByRole('radio', { name: 'Anyone available in a queue' }).check();
  await expect(dialog.getByRole('radio', { name: 'Support' })).toBeVisible();
  await expect(dialog.getByText('2 available')).toBeVisible();
  await dialog.getByRole('radio', { name: 'Support' }).check();
  await dialog.getByRole('textbox', { name: /Note for your colleague/ }).fill('A question about invoices');
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(dialog).toHaveCount(0);

  // Exactly one of the two gets it first.
  let first: AgentDesk | undefined;
  await expect
    .poll(async () => {
      const b = await bjorn.tab('Pia').count();
      const c = await carla.tab('Pia').count();
      first = b > 0 ? bjorn : c > 0 ? carla : undefined;
      return b + c;
    })
    .toBe(1);
  const one = first!;
  const other = one === bjorn ? carla : bjorn;
  await expect(anna.log.getByText(`${one.displayName} was invited from Support`)).toBeVisible();
  await expect(one.panel.getByRole('definition').nth(1)).toHaveText('A question about invoices');
  await one.panel.getByRole('button', { name: 'Reject' }).click();
  await expect(one.tab('Pia')).toHaveCount(0);

  // The server passes it on; the other agent sees who invited them and the note.
  await expect(anna.log.getByText(`${one.displayName} declined the invitation`)).toBeVisible();
  await expect(anna.log.getByText(`Invitation passed on to ${other.displayName}`)).toBeVisible();
  await expect(anna.panel.getByText(`Waiting for ${other.displayName} to answer…`)).toBeVisible();
  await expect(other.tab('Pia')).toContainText('Invited');
  await expect(other.panel.getByRole('definition').nth(0)).toHaveText('Anna');
  await expect(other.panel.getByRole('definition').nth(1)).toHaveText('A question about invoices');
  await other.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(other.input).toBeEnabled();
  await expect(anna.log.getByText(`${other.displayName} joined the chat`)).toBeVisible();
  await expect(inviteButton(anna)).toBeEnabled();

  await pia.endChat();
  for (const a of [anna, other]) {
    await a.closeButton('Pia').click();
    await expect(a.tabs).toHaveCount(0);
  }
});
