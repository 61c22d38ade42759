import { defineConfig } from '@playwright/test';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// End-to-end tests drive the built binary (make build) with the demo
// organisation in headless Debian Chromium. Playwright never downloads a
// browser here: it uses CHROMIUM or /usr/bin/chromium, and a missing browser
// fails the run.
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  throw new Error(`Chromium not found at ${chromium}: install Debian's chromium (apt-get install chromium) or set CHROMIUM.`);
}
const port = Number(process.env.E2E_PORT ?? 18080);
const data = mkdtempSync(join(tmpdir(), 'skranke-e2e-'));
// A real SMTP server (internal/cmd/smtp-sink, built by make test-e2e) takes
// the e-mails the server sends and writes them to mailDir, where the tests
// read them (fixtures.ts, mailDir). The folder is named by the port, so
// the config gives the same one in every process Playwright starts.
const smtpPort = port + 1;
export const mailDir = join(tmpdir(), `skranke-e2e-mail-${port}`);
process.env.E2E_MAIL_DIR = mailDir;
// A real OpenID provider (internal/cmd/oidc-provider, built by make
// test-e2e) that customers sign in at for secure chat (verified.spec.ts),
// and agents at for the desktop (sso.spec.ts).
const oidcPort = port + 2;
process.env.E2E_OIDC_ISSUER = `http://127.0.0.1:${oidcPort}`;

export default defineConfig({
  testDir: 'e2e',
  // E2E_OUTPUT moves traces, failure screenshots and test-results/screenshots
  // elsewhere, so that two runs at once (with different E2E_PORTs) do not
  // delete each other's files: Playwright empties the folder when it starts.
  outputDir: process.env.E2E_OUTPUT ?? 'test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: [
    {
      command: `../bin/oidc-provider -addr 127.0.0.1:${oidcPort} -redirect http://127.0.0.1:${port}/oidc/callback -redirect http://127.0.0.1:${port}/sso/callback -secret e2e-oidc-client-secret`,
      url: `http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `../bin/smtp-sink -addr 127.0.0.1:${smtpPort} -dir ${mailDir}`,
      port: smtpPort,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command:
        `../bin/skranke serve --demo --addr 127.0.0.1:${port} --data ${data} --offer-timeout 30s --grace 60s --customer-grace 3s --log-level warn` +
        ` --smtp-host 127.0.0.1 --smtp-port ${smtpPort} --smtp-security none --smtp-from 'Skranke Demo <chat@skranke.test>'`,
      url: `http://127.0.0.1:${port}/healthz`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
