// The core chat path, end to end (R1–R4, R7, R13, R16): an offer, a
// rejection, the second agent accepts, both sides talk, the customer reloads,
// the agent is warned before closing a live chat, the customer ends it.

import { test, expect, screenshot, type AgentDesk } from './fixtures';

test('offer → reject → second agent accepts → talk → reload → close warning → customer ends', async ({ cast }) => {
  const anna = await cast.agent('anna', 'All'); // All serves Sales too
  const bjorn = await cast.agent('bjorn', 'Sales');
  for (const a of [anna, bjorn]) await expect(a.panel).toHaveCount(0);

  const kari = await cast.customer();
  await kari.startChat('Sales', 'Kari');

  // Exactly one of the two ready agents gets the offer first (R2).
  let first: AgentDesk | undefined;
  await expect
    .poll(async () => {
      const a = await anna.tab('Kari').count();
      const b = await bjorn.tab('Kari').count();
      first = a > 0 ? anna : b > 0 ? bjorn : undefined;
      return a + b;
    }, { intervals: [50] })
    .toBe(1);
  const firstAgent = first!;
  const second = firstAgent === anna ? bjorn : anna;

  // The countdown starts at the server's offer time, 30 s (--offer-timeout 30s
  // in playwright.config.ts), never above: read it as soon as the offer shows.
  const countdown = firstAgent.panel.getByRole('progressbar', { name: 'Time left to answer' });
  expect(await countdown.getAttribute('aria-valuetext')).toMatch(/^0:(30|[0-2]\d)$/);

  // The offer tab: selected, and its panel shows queue, name and a running countdown.
  await expect(firstAgent.tab('Kari')).toHaveAttribute('aria-selected', 'true');
  await expect(firstAgent.tab('Kari')).toContainText('New');
  await expect(firstAgent.page).toHaveTitle('(1) New chat — Skranke');
  const offer = firstAgent.panel;
  await expect(offer.getByRole('heading', { name: 'New chat request' })).toBeVisible();
  await expect(offer.getByRole('term')).toHaveText(['Queue', 'Name', 'Waiting']);
  await expect(offer.getByRole('definition').nth(0)).toHaveText('Sales');
  await expect(offer.getByRole('definition').nth(1)).toHaveText('Kari');
  await expect(countdown).toHaveAttribute('aria-valuetext', /^0:(30|[0-2]\d)$/);
  const before = await countdown.getAttribute('aria-valuetext');
  await expect(countdown).not.toHaveAttribute('aria-valuetext', before!); // it ticks
  await screenshot(firstAgent.page, 'agent-offer');

  // Reject: the tab goes away and the other agent gets the offer (R3).
  await offer.getByRole('button', { name: 'Reject' }).click();
  await expect(firstAgent.tab('Kari')).toHaveCount(0);
  await expect(second.tab('Kari')).toBeVisible();
  await expect(second.panel.getByRole('heading', { name: 'New chat request' })).toBeVisible();
  await second.panel.getByRole('button', { name: 'Accept' }).click();

  // Accept connects at once (R4): a chat tab, the input has the focus, the
  // customer sees the agent by display name.
  const agent = second;
  await expect(agent.tab('Kari')).not.toContainText('New');
  await expect(agent.input).toBeEnabled();
  await expect(agent.input).toBeFocused();
  await expect(agent.page).toHaveTitle('Skranke — Agent desktop');
  await expect(kari.log.getByText(`${agent.displayName} joined the chat`)).toBeVisible();
  await expect(firstAgent.tabs).toHaveCount(0);

  // The customer types: the agent sees the typing indicator, then the message.
  await kari.input.pressSequentially('Hi, I want solar panels', { delay: 30 });
  await expect(agent.panel.getByText('Kari is typing…')).toBeVisible();
  await kari.input.press('Enter');
  await expect(kari.input).toHaveValue('');
  await expect(agent.log.getByText('Hi, I want solar panels', { exact: true })).toBeVisible();
  await expect(agent.panel.getByText('Kari is typing…')).toHaveCount(0);

  // The agent answers with Enter; the customer sees the agent typing, then
  // the message under the agent's display name.
  await agent.input.pressSequentially('Hello Kari!', { delay: 30 });
  await expect(kari.frame.getByText(`${agent.displayName} is typing…`)).toBeVisible();
  await agent.input.fill('Hello Kari! Happy to help.');
  await agent.input.press('Enter');
  await expect(agent.input).toHaveValue('');
  await expect(kari.log.getByText('Hello Kari! Happy to help.', { exact: true })).toBeVisible();
  await expect(kari.log.getByText(agent.displayName, { exact: true })).toBeVisible();

  // Shift+Enter is a new line in the agent's input, and sends nothing.
  const agentLines = await agent.logItems.count();
  await agent.input.fill('Two questions:');
  await agent.input.press('Shift+Enter');
  await agent.input.pressSequentially('how big is your roof?');
  await expect(agent.input).toHaveValue('Two questions:\nhow big is your roof?');
  await expect(agent.logItems).toHaveCount(agentLines);
  await agent.input.press('Enter');
  await expect(agent.input).toHaveValue('');
  const multi = kari.log.getByText(/Two questions:/);
  await expect(multi).toBeVisible();
  expect(await multi.evaluate((el) => (el as HTMLElement).innerText)).toBe('Two questions:\nhow big is your roof?');

  await kari.send('About 40 square metres');
  await expect(agent.log.getByText('About 40 square metres', { exact: true })).toBeVisible();
  await screenshot(kari.page, 'widget-in-chat');

  // The customer reloads: the widget comes back open with the whole history, once.
  const lines = await kari.logItems.count();
  expect(lines).toBe(5); // joined + 4 messages
  await kari.page.reload();
  await expect(kari.launcher).toHaveAttribute('aria-expanded', 'true');
  await expect(kari.log.getByText('About 40 square metres', { exact: true })).toBeVisible();
  await expect(kari.logItems).toHaveCount(lines);
  for (const text of [`${agent.displayName} joined the chat`, 'Hi, I want solar panels', 'Hello Kari! Happy to help.', 'About 40 square metres']) {
    await expect(kari.log.getByText(text, { exact: true })).toHaveCount(1);
  }
  await expect(kari.log.getByText(/Two questions:/)).toHaveCount(1);
  await expect(kari.input).toBeEnabled();
  await expect(kari.launcher).toHaveAccessibleName('Chat with us'); // nothing unread
  // The agent's view did not change either.
  await expect(agent.logItems).toHaveCount(agentLines + 2); // + the two-line message and the customer's answer
  // Still connected after the reload: a new message goes through, once.
  await kari.send('Still there?');
  await expect(agent.log.getByText('Still there?', { exact: true })).toHaveCount(1);
  await expect(kari.log.getByText('Still there?', { exact: true })).toHaveCount(1);

  // R7: closing the tab of a live chat asks first; Cancel keeps the chat.
  await agent.closeButton('Kari').click();
  await expect(agent.dialog).toBeVisible();
  await expect(agent.dialog).toHaveAccessibleName('End chat?');
  await expect(agent.dialog).toContainText('The customer is still connected');
  await agent.dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(agent.dialog).toHaveCount(0);
  await expect(agent.tab('Kari')).toBeVisible();
  await expect(agent.input).toBeEnabled();

  // R13: the customer ends the chat; the agent sees it and can no longer write.
  await kari.endChat();
  await expect(kari.log.getByText('You ended the chat')).toBeVisible();
  await expect(kari.input).toBeDisabled();
  await expect(agent.panel.getByRole('status')).toHaveText('The customer ended the chat');
  await expect(agent.log.getByText('Kari ended the chat')).toBeVisible();
  await expect(agent.input).toBeDisabled();

  // ...and the x closes the tab without asking.
  await agent.closeButton('Kari').click();
  await expect(agent.tabs).toHaveCount(0);
  await expect(agent.dialog).toHaveCount(0);
});

test('the close warning goes away when the customer leaves while it is open (R7)', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const per = await cast.customer();
  await per.startChat('Sales', 'Per');
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(per.log.getByText('Anna joined the chat')).toBeVisible();

  // The keyboard way: Delete on the focused tab asks, Escape cancels and
  // gives the focus back to the tab.
  await anna.tab('Per').focus();
  await anna.page.keyboard.press('Delete');
  await expect(anna.dialog).toBeVisible();
  await expect(anna.dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await anna.page.keyboard.press('Escape');
  await expect(anna.dialog).toHaveCount(0);
  await expect(anna.tab('Per')).toBeFocused();

  // The agent is asking "are you sure?" when the customer ends the chat: the
  // question no longer holds ("the customer is still connected"), so it goes.
  await anna.closeButton('Per').click();
  await expect(anna.dialog).toContainText('The customer is still connected');
  await per.endChat();
  await expect(anna.log.getByText('Per ended the chat')).toBeVisible();
  await expect(anna.dialog).toHaveCount(0);
  await expect(anna.panel.getByRole('status')).toHaveText('The customer ended the chat');
  await anna.closeButton('Per').click();
  await expect(anna.tabs).toHaveCount(0);
});
