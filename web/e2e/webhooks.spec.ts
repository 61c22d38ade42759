// The Webhooks admin page (issue 18): an administrator adds an endpoint for
// a real HTTP receiver started by the test, sees its secret once, a chat
// started on the site reaches the receiver signed with that secret (checked
// here with node:crypto, not Skranke's code), the delivery log shows it and
// "Send again" sends it again with the same webhook-id. The endpoint is
// deleted at the end: the server is shared with the other tests.

import AxeBuilder from '@axe-core/playwright';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, screenshot } from './fixtures';

interface Got {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function verified(secret: string, g: Got): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const want = createHmac('sha256', key).update(`${g.headers['webhook-id']}.${g.headers['webhook-timestamp']}.`).update(g.body).digest();
  return String(g.headers['webhook-signature'] ?? '')
    .split(' ')
    .some((s) => {
      const [v, b64] = s.split(',');
      const got = Buffer.from(b64 ?? '', 'base64');
      return v === 'v1' && got.length === want.length && timingSafeEqual(got, want);
    });
}

test('webhooks: add an endpoint, a chat reaches it signed, the log shows it and sends it again', async ({ page, cast }) => {
  const got: Got[] = [];
  const receiver = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(parts) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    await page.setViewportSize({ width: 1360, height: 900 });
    await page.goto('/admin#/webhooks');
    await page.getByRole('textbox', { name: 'Username' }).fill('admin');
    await page.getByLabel('Password').fill('admin-demo');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();

    await page.getByRole('button', { name: 'Add webhook' }).first().click();
    const form = page.getByRole('form', { name: 'Add webhook' });
    await form.getByRole('textbox', { name: 'URL' }).fill(url);
    await form.getByRole('textbox', { name: /Description/ }).fill('e2e receiver');
    // An internal address is refused until it is allowed, with the reason at the field.
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await expect(form.getByText(/must start with https:\/\//)).toBeVisible();
    await form.getByRole('checkbox', { name: /Allow an insecure address/ }).check();
    await expect(form.getByRole('checkbox', { name: 'Chat started' })).toBeChecked();
    await expect(form.getByRole('checkbox', { name: /Include agents' private messages/ })).not.toBeChecked();
    await screenshot(page, 'admin-webhooks-new');
    await form.getByRole('button', { name: 'Add webhook' }).click();

    const secretBox = page.getByRole('textbox', { name: 'Signing secret' });
    await expect(secretBox).toBeFocused();
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(secretBox).toHaveCount(0);
    const row = page.getByRole('row', { name: /e2e receiver/ });
    await expect(row.getByText('Active')).toBeVisible();
    await expect(page.getByText(secret)).toHaveCount(0);

    // A customer starts a chat on the demo site.
    const kari = await cast.customer();
    await kari.startChat('Sales', 'Webhook Kari');

    await expect.poll(() => got.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const first = got[0];
    expect(verified(secret, first)).toBe(true);
    const msg = JSON.parse(first.body.toString()) as { type: string; data: { conversationId: string; queueId: string } };
    expect(msg).toMatchObject({ type: 'chat.started', data: { queueId: 'sales' } });
    const id = msg.data.conversationId;
    expect(first.headers['webhook-id']).toBe(`evt_${id}_1`);

    await page.getByRole('button', { name: 'Deliveries: e2e receiver' }).click();
    const log = page.getByRole('region', { name: 'Deliveries to e2e receiver' });
    await expect(log.getByRole('cell', { name: /Chat started/ })).toBeVisible();
    await expect(log.getByText('204')).toBeVisible();
    await screenshot(page, 'admin-webhooks-deliveries');
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id), 'axe on the Webhooks page').toEqual([]);
    await log.getByRole('button', { name: `Send again: evt_${id}_1` }).click();
    await expect(log.getByText('Queued to be sent again.')).toBeVisible();
    await expect.poll(() => got.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect(got[1].headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(verified(secret, got[1])).toBe(true);

    // Change its events: messages too.
    await row.getByRole('button', { name: 'Edit: e2e receiver' }).click();
    const edit = page.getByRole('form', { name: 'Change webhook e2e receiver' });
    await expect(edit.getByRole('checkbox', { name: 'Chat started' })).toBeChecked();
    await edit.getByRole('checkbox', { name: 'Message sent' }).check();
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(edit).toHaveCount(0);
    await expect(row).toContainText('Message sent');
    await kari.send('Hello from the webhook test');
    await expect.poll(() => got.some((g) => g.body.toString().includes('Hello from the webhook test')), { timeout: 15_000 }).toBe(true);

    // End the customer's chat, then delete the endpoint (the server is shared).
    await kari.endChat();
    await row.getByRole('button', { name: 'Delete: e2e receiver' }).click();
    await page.getByRole('alertdialog', { name: 'Delete webhook e2e receiver?' }).getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByRole('row', { name: /e2e receiver/ })).toHaveCount(0);
  } finally {
    receiver.close();
  }
});
