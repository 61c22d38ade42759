// Shared actors for the browser end-to-end tests: agents on the agent desktop
// (/agent) and customers on the demo website (/demo/) with the widget in its
// iframe. Each actor has a browser context of its own (own cookies and
// storage). The `cast` fixture tracks every actor a test creates and, even
// when the test fails, ends the chats its customers still have open, sets its
// agents to Paused and closes their contexts: one server serves every test,
// and the next test must not find leftovers.
//
// Controls are found as a person finds them: by role and visible name.

import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Browser, type BrowserContext, type FrameLocator, type Locator, type Page } from '@playwright/test';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The demo agents (demo/demo.go). */
export const demoAgents = {
  anna: { username: 'anna', password: 'anna-demo', displayName: 'Anna' },
  bjorn: { username: 'bjorn', password: 'bjorn-demo', displayName: 'Bjørn' },
  carla: { username: 'carla', password: 'carla-demo', displayName: 'Carla' },
} as const;
export type AgentName = keyof typeof demoAgents;

/** The demo profiles by their visible name, with their ids. */
const profileIds: Record<string, string> = { Sales: 'sales', Support: 'support', All: 'all' };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** AgentDesk is one agent logged in to the agent desktop. */
export class AgentDesk {
  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly displayName: string,
  ) {}

  /** tab is the tab (offer or chat) of the customer with this name. */
  tab(customer: string): Locator {
    return this.page.getByRole('tablist', { name: 'Chats' }).getByRole('tab', { name: new RegExp(escapeRegExp(customer)) });
  }
  /** tabs are all tabs. */
  get tabs(): Locator {
    return this.page.getByRole('tab');
  }
  /** panel is the selected tab's panel (the others are hidden). */
  get panel(): Locator {
    return this.page.getByRole('tabpanel');
  }
  get input(): Locator {
    return this.panel.getByRole('textbox', { name: 'Message' });
  }
  get log(): Locator {
    return this.panel.getByRole('log');
  }
  /** logItems are the lines of the selected chat's log: messages and system lines. */
  get logItems(): Locator {
    return this.log.locator(':scope > *');
  }
  /** closeButton is the x on the tab of the customer with this name. */
  closeButton(customer: string): Locator {
    return this.page.getByRole('button', { name: `Close chat with ${customer}` });
  }
  get dialog(): Locator {
    return this.page.getByRole('alertdialog');
  }
  get readyButton(): Locator {
    return this.page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Ready' });
  }
  get pausedButton(): Locator {
    return this.page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Paused' });
  }

  /** serverState asks the server for this agent's status and profile. */
  async serverState(): Promise<{ status: string; profileId: string }> {
    const res = await this.page.request.get('/api/v1/me');
    expect(res.ok()).toBe(true);
    const body = (await res.json()) as { state?: { status: string; profileId: string } };
    return { status: body.state?.status ?? '', profileId: body.state?.profileId ?? '' };
  }

  /**
   * ready sets the agent Ready with the profile of that name, and waits until
   * the server holds exactly that. Ready first, then the profile, each step
   * after the previous one is acknowledged: the status bar sends the status
   * and profile it currently shows with each change.
   */
  async ready(profile: string): Promise<void> {
    await this.readyButton.click();
    await expect(this.readyButton).toHaveAttribute('aria-pressed', 'true');
    await this.page.getByRole('combobox', { name: 'Profile' }).selectOption({ label: profile });
    await expect.poll(() => this.serverState()).toEqual({ status: 'ready', profileId: profileIds[profile] });
  }

  async pause(): Promise<void> {
    await this.pausedButton.click();
    await expect(this.pausedButton).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(async () => (await this.serverState()).status).toBe('paused');
  }

  /** cleanUp closes a dialog the test left open and sets the agent Paused. */
  async cleanUp(): Promise<void> {
    if (this.page.isClosed()) return;
    if ((await this.dialog.count()) > 0) await this.page.keyboard.press('Escape');
    await this.pausedButton.click({ timeout: 5000 });
    await expect.poll(async () => (await this.serverState()).status, { timeout: 5000 }).toBe('paused');
  }

  /** endChat ends the chat with the customer by the x on its tab, confirming. */
  async endChat(customer: string): Promise<void> {
    await this.closeButton(customer).click();
    await expect(this.dialog).toBeVisible();
    await this.dialog.getByRole('button', { name: 'End chat' }).click();
    await expect(this.dialog).toHaveCount(0);
    await expect(this.tab(customer)).toHaveCount(0);
  }
}

/** CustomerSite is one customer on the demo website. */
export class CustomerSite {
  /** chatting is true from a started chat until the customer ends it. */
  chatting = false;

  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  /** launcher is the widget's round button; its name gains the unread count. */
  get launcher(): Locator {
    return this.page.getByRole('button', { name: /^Chat with us/ });
  }
  get iframe(): Locator {
    return this.page.locator('iframe[title="Chat"]');
  }
  get frame(): FrameLocator {
    return this.page.frameLocator('iframe[title="Chat"]');
  }
  get input(): Locator {
    return this.frame.getByRole('textbox', { name: 'Message' });
  }
  get log(): Locator {
    return this.frame.getByRole('log');
  }
  /** logItems are the lines of the chat log: message bubbles and system lines. */
  get logItems(): Locator {
    return this.log.locator(':scope > *');
  }
  get dialog(): Locator {
    return this.frame.getByRole('alertdialog');
  }

  /** openWidget opens the demo website (at path) and the chat panel. */
  async openWidget(path = '/demo/'): Promise<void> {
    await this.page.goto(path);
    await expect(this.launcher).toHaveAttribute('aria-expanded', 'false');
    await this.launcher.click();
    await expect(this.launcher).toHaveAttribute('aria-expanded', 'true');
    await expect(this.frame.getByRole('button', { name: 'Start chat' })).toBeVisible();
  }

  /** startChat starts a chat in the queue with that visible name. */
  async startChat(queue: string, name?: string): Promise<void> {
    if (name !== undefined) await this.frame.getByRole('textbox', { name: 'Your name (optional)' }).fill(name);
    await this.frame.getByRole('radio', { name: queue }).check();
    await this.frame.getByRole('button', { name: 'Start chat' }).click();
    this.chatting = true;
    await expect(this.frame.getByRole('heading', { name: queue })).toBeVisible();
    await expect(this.input).toBeEnabled();
  }

  /** send writes a message and sends it with Enter. */
  async send(text: string): Promise<void> {
    await this.input.fill(text);
    await this.input.press('Enter');
    await expect(this.input).toHaveValue('');
  }

  /** endChat ends the chat with End chat and the confirmation. */
  async endChat(): Promise<void> {
    await this.frame.getByRole('button', { name: 'End chat' }).click();
    await expect(this.dialog).toBeVisible();
    await this.dialog.getByRole('button', { name: 'End chat' }).click();
    await expect(this.frame.getByText('This chat has ended. Thank you for contacting us!')).toBeVisible();
    this.chatting = false;
  }

  /** cleanUp ends a chat the test left open (after a failure). */
  async cleanUp(): Promise<void> {
    if (!this.chatting || this.page.isClosed()) return;
    if ((await this.launcher.getAttribute('aria-expanded')) !== 'true') await this.launcher.click();
    const end = this.frame.getByRole('button', { name: 'End chat' }).first();
    await end.click({ timeout: 5000 });
    await this.dialog.getByRole('button', { name: 'End chat' }).click({ timeout: 5000 });
    await expect(this.frame.getByText('This chat has ended. Thank you for contacting us!')).toBeVisible({ timeout: 5000 });
    this.chatting = false;
  }
}

export interface Cast {
  /** agent logs the demo agent in, in a new context, and sets them Ready with the profile (or Paused without one). */
  agent(who: AgentName, profile?: string): Promise<AgentDesk>;
  /** customer opens the demo website (at path, /demo/ by default) in a new context, with the chat panel open. */
  customer(path?: string): Promise<CustomerSite>;
}

async function loginAgent(browser: Browser, who: AgentName): Promise<AgentDesk> {
  const login = demoAgents[who];
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/agent');
  await page.getByRole('textbox', { name: 'Username' }).fill(login.username);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await expect(page.getByText(login.displayName, { exact: true })).toBeVisible();
  return new AgentDesk(context, page, login.displayName);
}

export const test = base.extend<{ cast: Cast }>({
  cast: async ({ browser }, use) => {
    const agents: AgentDesk[] = [];
    const customers: CustomerSite[] = [];
    await use({
      async agent(who, profile) {
        const desk = await loginAgent(browser, who);
        agents.push(desk);
        if (profile) await desk.ready(profile);
        else await desk.pause();
        return desk;
      },
      async customer(path) {
        const context = await browser.newContext();
        const page = await context.newPage();
        const site = new CustomerSite(context, page);
        customers.push(site);
        await site.openWidget(path);
        return site;
      },
    });
    // Leave nothing behind for the next test: the server is shared.
    const errors: unknown[] = [];
    for (const c of customers) await c.cleanUp().catch((err: unknown) => errors.push(err));
    for (const a of agents) await a.cleanUp().catch((err: unknown) => errors.push(err));
    for (const x of [...customers, ...agents]) await x.context.close();
    if (errors.length > 0) console.warn('e2e clean-up:', ...errors);
  },
});

export { expect };

/** screenshot saves a screenshot of the viewport into test-results/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(test.info().project.outputDir, 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/**
 * waitForMail waits until the tests' SMTP server (playwright.config.ts) has
 * received a message to `to`, and returns the whole message as received.
 */
export async function waitForMail(to: string, timeout = 15_000): Promise<string> {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error('E2E_MAIL_DIR is not set: playwright.config.ts sets it');
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const f of existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.eml')) : []) {
      const data = readFileSync(join(dir, f), 'utf8');
      if (new RegExp(`^To: .*${escapeRegExp(to)}`, 'mi').test(data)) return data;
    }
    if (Date.now() > deadline) throw new Error(`no e-mail to ${to} within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * mailParts decodes a received message's parts: the text of each part by
 * content type (text/plain, text/html), quoted-printable or base64 undone,
 * so that a test reads what a mail program shows.
 */
export function mailParts(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (entity: string) => {
    const split = entity.search(/\r?\n\r?\n/);
    const head = entity.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
    const body = entity.slice(split).replace(/^\r?\n\r?\n/, '');
    const type = /^Content-Type:\s*([^;\s]+)/im.exec(head)?.[1]?.toLowerCase() ?? 'text/plain';
    if (type.startsWith('multipart/')) {
      const boundary = /boundary="?([^";\s]+)"?/i.exec(head)?.[1];
      if (!boundary) return;
      for (const part of body.split(`--${boundary}`).slice(1)) {
        if (part.startsWith('--')) break;
        walk(part.replace(/^\r?\n/, ''));
      }
      return;
    }
    const enc = /^Content-Transfer-Encoding:\s*(\S+)/im.exec(head)?.[1]?.toLowerCase();
    let bytes: Buffer;
    if (enc === 'base64') bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
    else if (enc === 'quoted-printable')
      bytes = Buffer.from(
        body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      );
    else bytes = Buffer.from(body, 'utf8');
    out[type] = bytes.toString('utf8');
  };
  walk(raw);
  return out;
}

/** checkAxe fails with the serious and critical findings of axe-core on the page (its frames included). */
export async function checkAxe(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ')}`).join('\n  ')}`);
  expect(bad, `axe on ${what}`).toEqual([]);
}

/** userLanguage is the language the server keeps for the page's logged-in user ('' until they choose). */
export async function userLanguage(page: Page): Promise<string> {
  const body = (await (await page.request.get('/api/v1/me')).json()) as { user: { language?: string } };
  return body.user.language ?? '';
}

/** loginAdmin logs the demo administrator in to the admin pages. */
export async function loginAdmin(page: Page): Promise<void> {
  await page.goto('/admin');
  await page.getByRole('textbox', { name: 'Username' }).fill('admin');
  await page.getByLabel('Password').fill('admin-demo');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('navigation', { name: 'Administration' })).toBeVisible();
}
