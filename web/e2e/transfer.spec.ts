// Transferring a chat (R18): Anna hands a Sales chat to the Support queue
// with a note; Carla, ready for Support, gets it as an offer with the note
// and the conversation so far, and accepts; Anna stays in the chat until
// then and is taken out after. The customer is told that the chat is being
// transferred and who joined, and never sees the note.

import { test, expect, screenshot, checkAxe } from './fixtures';

test('transfer a chat to a queue; a second agent accepts it with the note and the chat so far', async ({ cast }) => {
  const carla = await cast.agent('carla', 'Support');
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await kari.startChat('Sales', 'Kari');
  await expect(anna.tab('Kari')).toBeVisible();
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(anna.input).toBeEnabled();
  await kari.send('My invoice is wrong');
  await expect(anna.log.getByText('My invoice is wrong', { exact: true })).toBeVisible();

  // The dialog: a queue, a note; the agent stays until someone accepts.
  await anna.panel.getByRole('button', { name: 'Transfer the chat' }).click();
  const dialog = anna.page.getByRole('dialog', { name: 'Transfer the chat' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('radio', { name: 'A queue: the first agent free there' }).check();
  await dialog.getByRole('radio', { name: 'Support' }).check();
  await dialog.getByRole('textbox', { name: /Note for your colleague/ }).fill('Invoice 2291 is billed twice');
  await expect(dialog.getByText('You stay in the chat until someone accepts it')).toBeVisible();
  await screenshot(anna.page, 'transfer-dialog');
  await dialog.getByRole('button', { name: 'Transfer chat' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(anna.log.getByText('Anna is transferring the chat to Support')).toBeVisible();
  await expect(anna.panel.getByRole('button', { name: 'Transfer pending' })).toBeDisabled();
  await expect(kari.log.getByText('You are being transferred to another agent.')).toBeVisible();

  // Carla's offer: the note, the customer, the conversation so far.
  await expect(carla.tab('Kari')).toContainText('Transfer');
  const offer = carla.panel;
  await expect(offer.getByRole('heading', { name: 'A chat transferred to you' })).toBeVisible();
  await expect(offer.getByRole('definition').nth(0)).toHaveText('Anna');
  await expect(offer.getByRole('definition').nth(1)).toHaveText('Invoice 2291 is billed twice');
  await expect(offer.getByRole('definition').nth(3)).toHaveText('Support');
  await expect(carla.log.getByText('My invoice is wrong', { exact: true })).toBeVisible();
  await expect(carla.log.getByText('The transfer was offered to you')).toBeVisible();
  await screenshot(carla.page, 'transfer-offer');

  // Anna can still write while the transfer waits.
  await anna.input.fill('One moment, I am passing you to Support.');
  await anna.input.press('Enter');
  await expect(kari.log.getByText('One moment, I am passing you to Support.', { exact: true })).toBeVisible();

  await offer.getByRole('button', { name: 'Accept' }).click();
  await expect(carla.input).toBeEnabled();
  await expect(kari.log.getByText('Carla joined the chat')).toBeVisible();
  await expect(kari.log.getByText('Anna left the chat')).toBeVisible();
  await expect(anna.panel.getByText('You handed this chat on')).toBeVisible();
  await expect(anna.input).toBeDisabled();

  await carla.input.fill('Hi Kari, Carla from Support here.');
  await carla.input.press('Enter');
  await expect(kari.log.getByText('Hi Kari, Carla from Support here.', { exact: true })).toBeVisible();
  await expect(kari.page.getByText('Invoice 2291')).toHaveCount(0);
  await screenshot(kari.page, 'transfer-customer');
});

// Supervision (R19): the administrator (a supervisor too) opens the
// supervisor's page, sees the chat and the agent live, watches the chat and
// whispers to the agent; the agent is told that a supervisor watches and
// gets the whisper marked; the customer sees neither.
test('a supervisor sees the live numbers, watches a chat and whispers to its agent', async ({ browser, cast }) => {
  const context = await browser.newContext();
  try {
    const sup = await context.newPage();
    await sup.goto('/supervisor');
    await sup.getByRole('textbox', { name: 'Username' }).fill('admin');
    await sup.getByLabel('Password').fill('admin-demo');
    await sup.getByRole('button', { name: 'Log in' }).click();
    await expect(sup.getByRole('heading', { name: 'Supervision', level: 1 })).toBeVisible();
    await expect(sup.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();

    const anna = await cast.agent('anna', 'Sales');
    const agents = sup.getByRole('region', { name: 'Agents' });
    await expect(agents.getByRole('row', { name: /Anna/ })).toContainText('Ready');
    await expect(agents.getByRole('row', { name: /Anna/ })).toContainText('0 of 3');

    const ola = await cast.customer();
    await ola.startChat('Sales', 'Ola');
    const queues = sup.getByRole('region', { name: 'Queues' });
    // Offered to Anna: one waiting, one offer out, until she accepts.
    await expect(queues.getByRole('row', { name: /Sales/ }).getByRole('cell').nth(5)).toHaveText('1');
    await anna.panel.getByRole('button', { name: 'Accept' }).click();
    await expect(anna.input).toBeEnabled();
    await expect(queues.getByRole('row', { name: /Sales/ }).getByRole('cell').nth(0)).toHaveText('0');
    await expect(agents.getByRole('row', { name: /Anna/ })).toContainText('1 of 3');
    await expect(agents.getByRole('row', { name: /Anna/ })).toContainText('Ola');
    await ola.send('Is my contract renewed?');

    // Watch the chat: its log so far, and the agent is told.
    await sup.getByRole('button', { name: 'Watch the chat with Ola' }).click();
    const watch = sup.getByRole('region', { name: 'Watching the chat with Ola' });
    await expect(watch.getByRole('log').getByText('Is my contract renewed?')).toBeVisible();
    await expect(anna.log.getByText('Supervisor Administrator is watching this chat')).toBeVisible();
    await anna.input.fill('Let me check.');
    await anna.input.press('Enter');
    await expect(watch.getByRole('log').getByText('Let me check.')).toBeVisible();

    await watch.getByRole('textbox', { name: 'Whisper to the agents' }).fill('Offer the loyalty discount');
    await watch.getByRole('button', { name: 'Send whisper' }).click();
    await expect(anna.log.getByText('Offer the loyalty discount', { exact: true })).toBeVisible();
    await expect(watch.getByRole('log').getByText('Offer the loyalty discount')).toBeVisible();
    await screenshot(sup, 'supervisor');
    await checkAxe(sup, 'the supervisor page watching a chat');
    await screenshot(anna.page, 'supervisor-whisper-agent');

    await anna.input.fill('You get 10 % off.');
    await anna.input.press('Enter');
    await expect(ola.log.getByText('You get 10 % off.', { exact: true })).toBeVisible();
    await expect(ola.page.getByText('Offer the loyalty discount')).toHaveCount(0);
    await expect(ola.page.getByText(/watching/)).toHaveCount(0);

    await watch.getByRole('button', { name: 'Stop watching' }).click();
    await expect(anna.log.getByText('Supervisor Administrator stopped watching')).toBeVisible();

    // From the board: pause Anna; she is told, and the board follows.
    await agents.getByRole('button', { name: 'Pause Anna' }).click();
    await expect(anna.page.getByText('A supervisor set you to Paused.')).toBeVisible();
    await expect(agents.getByRole('row', { name: /Anna/ })).toContainText('Paused');
    await expect(queues.getByRole('row', { name: /Sales/ }).getByRole('cell').nth(4)).toHaveText('1');
    // A chat that now waits is moved to Support from the board.
    const per = await cast.customer();
    await per.startChat('Sales', 'Per');
    const chats = sup.getByRole('region', { name: 'Chats' });
    await chats.getByRole('combobox', { name: 'Move the chat with Per to' }).selectOption({ label: 'Support' });
    await chats.getByRole('button', { name: 'Move the chat with Per' }).click();
    await expect(chats.getByRole('row', { name: /Per/ })).toContainText('Support');
    await expect(queues.getByRole('row', { name: /Support/ }).getByRole('cell').nth(0)).toHaveText('1');
  } finally {
    await context.close();
  }
});
