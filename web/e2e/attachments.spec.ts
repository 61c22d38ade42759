// Files both ways (R12): a customer sends a photo and a PDF and sees them
// upload; the agent sees the photo's thumbnail, opens it, and downloads the
// PDF byte for byte; a private file between agents never reaches the
// customer by any route; files the browser can tell are refused are
// refused before a byte leaves it; and paste and drop work on both sides.

import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { test, expect, screenshot, type AgentDesk, type CustomerSite } from './fixtures';

// ---- Test files, made here so every byte is known.

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** photo is a w×h PNG: a sky, a sun and a hill, so the thumbnail is recognisable. */
function photo(w: number, h: number): Buffer {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const i = y * (w * 3 + 1) + 1 + x * 3;
      const hill = y > h * 0.62 + Math.sin(x / (w / 6)) * h * 0.08;
      const sun = (x - w * 0.72) ** 2 + (y - h * 0.3) ** 2 < (h * 0.12) ** 2;
      const [r, g, b] = hill ? [46, 125 + (y % 40), 60] : sun ? [255, 200, 60] : [90 + (y * 100) / h, 150 + (y * 60) / h, 230];
      raw[i] = r;
      raw[i + 1] = g;
      raw[i + 2] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** pdf is a PDF of about size bytes (a real page, then padding in a comment-free stream). */
function pdf(size: number, seed: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n');
  const pad = Buffer.alloc(Math.max(0, size - head.length - 6));
  let x = seed;
  for (let i = 0; i < pad.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    pad[i] = x & 0xff;
  }
  return Buffer.concat([head, pad, Buffer.from('\n%%EOF')]);
}

async function startChat(agent: AgentDesk, customer: CustomerSite, name: string): Promise<void> {
  await customer.startChat('Sales', name);
  await expect(agent.tab(name)).toBeVisible();
  await agent.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(agent.input).toBeEnabled();
  await expect(customer.log.getByText(`${agent.displayName} joined the chat`)).toBeVisible();
}

/** customerAuth reads the widget's token and conversation from its frame's storage. */
async function customerAuth(c: CustomerSite): Promise<{ token: string; conversationId: string }> {
  const frame = c.page.frames().find((f) => f.url().includes('/widget/frame'));
  if (!frame) throw new Error('no widget frame');
  return frame.evaluate(() => ({
    token: localStorage.getItem('skranke.customer') ?? '',
    conversationId: localStorage.getItem('skranke.conversation') ?? '',
  }));
}

test('a customer sends a photo and a PDF, with progress; the agent sees the thumbnail and downloads the PDF intact', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await startChat(anna, kari, 'Kari');

  const png = photo(1600, 1000);
  const doc = pdf(3 * 1024 * 1024, 7);
  // A slow line, so that the upload takes a few seconds and its progress shows.
  const cdp = await kari.context.newCDPSession(kari.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 600 * 1024 });

  await kari.frame.locator('input[type=file]').setInputFiles([
    { name: 'IMG_2041.png', mimeType: 'image/png', buffer: png },
    { name: 'Faktura mars.pdf', mimeType: 'application/pdf', buffer: doc },
  ]);
  const bar = kari.frame.getByRole('progressbar', { name: 'Faktura mars.pdf' });
  await expect(bar).toBeVisible();
  // The photo's own preview shows while it uploads.
  await expect.poll(() => kari.frame.locator('.sk-upload-preview').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1600);
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
  await expect(kari.frame.getByRole('button', { name: 'Send' })).toBeDisabled(); // until the files are up
  await screenshot(kari.page, 'attach-widget-progress');
  await expect(kari.frame.getByRole('progressbar')).toHaveCount(0, { timeout: 30_000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  await kari.input.fill('Here is the photo and the invoice');
  await kari.input.press('Enter');
  const own = kari.frame.getByRole('button', { name: 'Open IMG_2041.png' }).locator('img');
  await expect(own).toBeVisible();
  await expect.poll(() => own.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480); // the server's thumbnail
  await expect(kari.log.getByText('Faktura mars.pdf')).toBeVisible();
  await screenshot(kari.page, 'attach-widget-sent');

  // The agent: the photo as a thumbnail made by the server, the PDF as a card.
  const thumb = anna.log.getByRole('button', { name: 'Open IMG_2041.png' }).locator('img');
  await expect(thumb).toBeVisible();
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);
  await expect(anna.log.getByText('Faktura mars.pdf')).toBeVisible();
  await expect(anna.log.getByText(/PDF · 3 MB/)).toBeVisible();
  await screenshot(anna.page, 'attach-agent-received');

  const [download] = await Promise.all([
    anna.page.waitForEvent('download'),
    anna.log.getByRole('link', { name: 'Download Faktura mars.pdf' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('Faktura mars.pdf');
  const got = readFileSync(await download.path());
  expect(got.length).toBe(doc.length);
  expect(got.equals(doc)).toBe(true);

  // The photo opens full size.
  await anna.log.getByRole('button', { name: 'Open IMG_2041.png' }).click();
  const viewer = anna.page.getByRole('dialog', { name: 'IMG_2041.png' });
  await expect(viewer.getByRole('img', { name: 'IMG_2041.png' })).toBeVisible();
  await expect.poll(() => viewer.getByRole('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1600);
  await screenshot(anna.page, 'attach-agent-viewer');
  await anna.page.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);

  // And back: the agent sends a file, the customer downloads it.
  const note = Buffer.from('Kundenummer: 4711\nSak: faktura mars\n');
  await anna.panel.locator('input[type=file]').setInputFiles({ name: 'sak-4711.txt', mimeType: 'text/plain', buffer: note });
  await expect(anna.panel.getByText('sak-4711.txt')).toBeVisible();
  await expect(anna.panel.getByRole('button', { name: 'Send' })).toBeEnabled();
  await anna.panel.getByRole('button', { name: 'Send' }).click();
  await expect(kari.log.getByText('sak-4711.txt')).toBeVisible();
  const [back] = await Promise.all([kari.page.waitForEvent('download'), kari.log.getByRole('button', { name: 'Download sak-4711.txt' }).click()]);
  expect(readFileSync(await back.path()).equals(note)).toBe(true);
});

test('an agent sends a private file to an invited colleague; no customer route carries it', async ({ cast }) => {
  const bjorn = await cast.agent('bjorn', 'Support');
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await startChat(anna, kari, 'Kari');

  await anna.panel.getByRole('button', { name: 'Invite a colleague' }).click();
  const dialog = anna.page.getByRole('dialog', { name: 'Invite a colleague' });
  await dialog.getByRole('radio', { name: 'Bjørn' }).check();
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(bjorn.tab('Kari')).toBeVisible();
  await bjorn.panel.getByRole('button', { name: 'Accept' }).click();
  await expect(bjorn.input).toBeEnabled();

  const secret = pdf(200 * 1024, 3);
  await anna.panel.getByRole('button', { name: 'Private message' }).click();
  await anna.panel.locator('input[type=file]').setInputFiles({ name: 'PRIVATE-salary-2026.pdf', mimeType: 'application/pdf', buffer: secret });
  await expect(anna.panel.getByText('Files in a private message are private too')).toBeVisible();
  await expect(anna.panel.getByRole('button', { name: 'Send' })).toBeEnabled();
  await anna.input.fill('For your eyes only');
  await screenshot(anna.page, 'attach-agent-private-composer');
  await anna.input.press('Enter');

  // Bjørn has it, marked private, and downloads it.
  const card = bjorn.logItems.filter({ hasText: 'PRIVATE-salary-2026.pdf' });
  await expect(card).toBeVisible();
  await expect(card.getByRole('img', { name: 'private' })).toBeVisible();
  await screenshot(bjorn.page, 'attach-agent-private-received');
  const link = card.getByRole('link', { name: 'Download PRIVATE-salary-2026.pdf' });
  const [download] = await Promise.all([bjorn.page.waitForEvent('download'), link.click()]);
  expect(readFileSync(await download.path()).equals(secret)).toBe(true);
  const href = (await link.getAttribute('href')) ?? '';
  const fileId = decodeURIComponent(href.split('/attachments/')[1] ?? '');
  expect(fileId).toMatch(/^[a-z0-9]{26}$/);

  // A public message after it, so the customer's page is known to be up to date.
  await anna.panel.getByRole('button', { name: 'Private message' }).click();
  await anna.input.fill('We are looking into it.');
  await anna.input.press('Enter');
  await expect(kari.log.getByText('We are looking into it.')).toBeVisible();

  // The customer's page has nothing of it.
  const html = await kari.page.frames().find((f) => f.url().includes('/widget/frame'))!.content();
  expect(html).not.toContain('PRIVATE-salary');
  expect(html).not.toContain(fileId);
  await expect(kari.frame.getByText(/PRIVATE-salary|For your eyes only/)).toHaveCount(0);
  await screenshot(kari.page, 'attach-widget-private-absent');

  // Nor has any customer route: history, the file by its URL, its thumbnail.
  const { token, conversationId } = await customerAuth(kari);
  const auth = { Authorization: `Bearer ${token}` };
  const base = `/api/v1/widget/conversations/${conversationId}`;
  const history = await kari.page.request.get(`${base}/events`, { headers: auth });
  expect(history.ok()).toBe(true);
  const body = await history.text();
  expect(body).toContain('We are looking into it.');
  expect(body).not.toContain('PRIVATE-salary');
  expect(body).not.toContain(fileId);
  for (const path of [`${base}/attachments/${fileId}`, `${base}/attachments/${fileId}/thumbnail`, `${base}/attachments/${fileId}.thumb`]) {
    const res = await kari.page.request.get(path, { headers: auth });
    expect(res.status(), path).toBe(404);
    expect(await res.text()).not.toContain('PRIVATE');
  }
  // The agents' route refuses a customer's token too.
  const agentRoute = await kari.page.request.get(`/api/v1/conversations/${conversationId}/attachments/${fileId}`, { headers: auth });
  expect(agentRoute.status()).toBe(401);
});

test('a 21 MB file and an .exe are refused with the reason before a byte is uploaded, on both sides', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await startChat(anna, kari, 'Kari');
  const uploads: string[] = [];
  for (const page of [kari.page, anna.page]) {
    page.on('request', (r) => {
      if (r.url().includes('/attachments')) uploads.push(r.url());
    });
  }
  const big = { name: 'holiday-video.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(21 * 1024 * 1024, 1) };
  const exe = { name: 'report.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00') };

  await kari.frame.locator('input[type=file]').setInputFiles([big, exe]);
  const alert = kari.frame.getByRole('alert');
  await expect(alert.getByText('holiday-video.pdf: the file is larger than 20 MB')).toBeVisible();
  await expect(alert.getByText('report.exe: only text, PDF and image files can be sent')).toBeVisible();
  await expect(kari.frame.getByRole('progressbar')).toHaveCount(0);
  await screenshot(kari.page, 'attach-widget-refused');

  await anna.panel.locator('input[type=file]').setInputFiles([big, exe]);
  await expect(anna.panel.getByRole('alert').getByText('holiday-video.pdf: the file is larger than 20 MB')).toBeVisible();
  await expect(anna.panel.getByRole('alert').getByText('report.exe: only text, PDF and image files can be sent')).toBeVisible();
  await screenshot(anna.page, 'attach-agent-refused');
  expect(uploads).toEqual([]);

  // In Norwegian, too: the chat's frame on its own, in nb.
  await kari.page.goto('/widget/frame?lang=nb');
  await kari.page.locator('input[type=file]').setInputFiles([exe, big]);
  await expect(kari.page.getByRole('alert').getByText('report.exe: bare tekst-, PDF- og bildefiler kan sendes')).toBeVisible();
  await expect(kari.page.getByRole('alert').getByText('holiday-video.pdf: filen er større enn 20 MB')).toBeVisible();
  await screenshot(kari.page, 'attach-widget-refused-nb');
  expect(uploads).toEqual([]);
  await kari.page.goto('/demo/'); // back on the site, where the clean-up ends the chat
});

/** pasteFile pastes a file into an element, as Ctrl+V of a screenshot does. */
async function pasteFile(target: import('@playwright/test').Locator, name: string, type: string, bytes: Buffer): Promise<void> {
  await target.evaluate(
    (el, { name, type, data }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], name, { type }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    },
    { name, type, data: [...bytes] },
  );
}

/** dropFile drags a file over an element and drops it there. */
async function dropFile(target: import('@playwright/test').Locator, name: string, type: string, bytes: Buffer): Promise<void> {
  await target.evaluate(
    (el, { name, type, data }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], name, { type }));
      for (const kind of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(kind, { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { name, type, data: [...bytes] },
  );
}

test('pasting an image and dropping a file attach them, in the widget and on the desktop', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await startChat(anna, kari, 'Kari');
  const shot = photo(320, 200);

  await pasteFile(kari.input, 'image.png', 'image/png', shot);
  await dropFile(kari.log, 'kvittering.pdf', 'application/pdf', pdf(20 * 1024, 1));
  await expect(kari.frame.getByRole('button', { name: 'Remove image.png' })).toBeVisible();
  await expect(kari.frame.getByRole('button', { name: 'Remove kvittering.pdf' })).toBeVisible();
  await expect(kari.frame.getByRole('button', { name: 'Send' })).toBeEnabled();
  await screenshot(kari.page, 'attach-widget-composer');
  await kari.frame.getByRole('button', { name: 'Send' }).click();
  await expect(anna.log.getByRole('button', { name: 'Open image.png' })).toBeVisible();
  await expect(anna.log.getByText('kvittering.pdf')).toBeVisible();

  await pasteFile(anna.input, 'image.png', 'image/png', shot);
  await dropFile(anna.log, 'notes.txt', 'text/plain', Buffer.from('hello\n'));
  await expect(anna.panel.getByRole('button', { name: 'Remove notes.txt' })).toBeVisible();
  await screenshot(anna.page, 'attach-agent-composer');
  // Cancelled before sending: removed from the message.
  await anna.panel.getByRole('button', { name: 'Remove notes.txt' }).click();
  await expect(anna.panel.getByRole('button', { name: 'Remove notes.txt' })).toHaveCount(0);
  await anna.input.fill('Thanks, got it');
  await anna.input.press('Enter');
  await expect(kari.frame.getByRole('button', { name: 'Open image.png' })).toHaveCount(2);
  await expect(kari.log.getByText('notes.txt')).toHaveCount(0);
  await screenshot(kari.page, 'attach-widget-thread');
});

test('an upload cut off by a network drop is sent again with the same upload id, and stored once', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await startChat(anna, kari, 'Kari');
  const uploads: string[] = [];
  let dropped = false;
  await kari.context.route('**/attachments?**', async (route) => {
    uploads.push(route.request().url());
    if (!dropped) {
      dropped = true;
      await route.abort('connectionreset'); // the line drops under the first try
      return;
    }
    await route.continue();
  });
  const doc = pdf(512 * 1024, 11);
  await kari.frame.locator('input[type=file]').setInputFiles({ name: 'kontrakt.pdf', mimeType: 'application/pdf', buffer: doc });
  await expect(kari.frame.getByRole('button', { name: 'Send' })).toBeEnabled({ timeout: 15_000 });
  expect(uploads).toHaveLength(2);
  const id = (u: string) => new URL(u).searchParams.get('uploadId');
  expect(id(uploads[1])).toBe(id(uploads[0]));
  await kari.frame.getByRole('button', { name: 'Send' }).click();
  await expect(anna.log.getByText('kontrakt.pdf')).toHaveCount(1);
  const [download] = await Promise.all([anna.page.waitForEvent('download'), anna.log.getByRole('link', { name: 'Download kontrakt.pdf' }).click()]);
  expect(readFileSync(await download.path()).equals(doc)).toBe(true);
  await kari.context.unroute('**/attachments?**');
});

test('what the browser cannot tell, the server refuses by content, with the reason beside the file', async ({ cast }) => {
  const anna = await cast.agent('anna', 'Sales');
  const kari = await cast.customer();
  await startChat(anna, kari, 'Kari');
  // An executable named .png, and a GIF header with a script after it.
  await kari.frame.locator('input[type=file]').setInputFiles([
    { name: 'cute-cat.png', mimeType: 'image/png', buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00') },
    { name: 'broken.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a\x0a\x00\x0a\x00\x00\x00\x00<script>alert(1)</script>') },
  ]);
  await expect(kari.frame.getByText('cute-cat.png: only text, PDF and image files can be sent')).toBeVisible();
  await expect(kari.frame.getByText('broken.gif: the image cannot be read')).toBeVisible();
  await expect(kari.frame.getByText('Remove the files that failed, or try them again')).toBeVisible();
  await expect(kari.frame.getByRole('button', { name: 'Try again' })).toHaveCount(0); // refused for good: no retry
  await kari.input.fill('a text goes nowhere while files failed');
  await expect(kari.frame.getByRole('button', { name: 'Send' })).toBeDisabled();
  await screenshot(kari.page, 'attach-widget-server-refused');
  await kari.frame.getByRole('button', { name: 'Remove cute-cat.png' }).click();
  await kari.frame.getByRole('button', { name: 'Remove broken.gif' }).click();
  await expect(kari.frame.getByRole('button', { name: 'Send' })).toBeEnabled();
  await kari.input.press('Enter');
  await expect(anna.log.getByText('a text goes nowhere while files failed')).toBeVisible();
});
