import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';

test('probe', async ({ cast, page }) => {
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await kari.startChat('Sales', 'Kari');
  await anna.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(anna.input).toBeEnabled();
  const ola = await cast.customer();
  await ola.startChat('Sales');
  await expect(anna.tabs).toHaveCount(2);
  for (const [name, p] of [['agent', anna.page], ['demo', kari.page]] as const) {
    const r = await new AxeBuilder({ page: p }).analyze();
    for (const v of r.violations) console.log(name, v.impact, v.id, v.nodes.map((n) => n.target.join(' ') + ' :: ' + n.failureSummary?.replace(/\n/g, ' ')).join(' | '));
  }
  await page.goto('/admin');
  const r = await new AxeBuilder({ page }).analyze();
  for (const v of r.violations) console.log('admin', v.impact, v.id, v.nodes.map((n) => n.target.join(' ')).join(' | '));
  await kari.endChat();
  await ola.endChat();
});
