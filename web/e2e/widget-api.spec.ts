// The widget's API on the demo site (docs/widget-api.md): the page's own
// button opens the chat with Skranke('open'), Skranke('set') fills in the
// visitor's name, and the page's listeners (registered through the
// snippet's stub before the widget had loaded) hear the chat start and end.

import { test, expect, screenshot } from './fixtures';

test('widget API: open from the page, set the visitor, hear the chat start and end', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto('/demo/');
    const launcher = page.getByRole('button', { name: /^Chat with us$/ });
    await expect(launcher).toHaveAttribute('aria-expanded', 'false');
    await page.getByRole('button', { name: 'Open the chat' }).click();
    await expect(launcher).toHaveAttribute('aria-expanded', 'true');
    const frame = page.frameLocator('iframe[title="Chat"]');
    await expect(frame.getByRole('button', { name: 'Start chat' })).toBeVisible();

    await page.evaluate(() => (window as unknown as { Skranke: (...a: unknown[]) => void }).Skranke('set', { name: 'Kari Nordmann', email: 'kari@example.no' }));
    const name = frame.getByRole('textbox', { name: 'Your name (optional)' });
    await expect(name).toHaveValue('Kari Nordmann');

    await frame.getByRole('radio', { name: 'Sales' }).check();
    await frame.getByRole('button', { name: 'Start chat' }).click();
    const state = page.getByRole('status').filter({ hasText: /chat/ });
    await expect(page.getByText('Your chat has started. We will answer as soon as we can.')).toBeVisible();
    await screenshot(page, 'widget-api-started');

    // Closed and opened again by the page.
    await page.evaluate(() => (window as unknown as { Skranke: (...a: unknown[]) => void }).Skranke('close'));
    await expect(launcher).toHaveAttribute('aria-expanded', 'false');
    await page.getByRole('button', { name: 'Open the chat' }).click();
    await expect(launcher).toHaveAttribute('aria-expanded', 'true');

    await frame.getByRole('button', { name: 'End chat' }).click();
    await frame.getByRole('alertdialog').getByRole('button', { name: 'End chat' }).click();
    await expect(frame.getByText('This chat has ended. Thank you for contacting us!')).toBeVisible();
    await expect(state).toHaveText('Your chat has ended. Thank you!');
  } finally {
    await context.close();
  }
});
