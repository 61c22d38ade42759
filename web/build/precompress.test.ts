// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { precompressDir } from './precompress';

// Text that compresses, of a given size.
function text(n: number): string {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `export const v${i % 50} = "value ${i % 7}";\n`;
  return s.slice(0, n);
}

async function names(dir: string): Promise<string[]> {
  const out = await readdir(dir, { recursive: true });
  return out.map((n) => n.toString()).sort();
}

describe('precompressDir', () => {
  it('writes gzip and brotli copies that decode to the file, only where they pay', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'precompress-'));
    await mkdir(join(dir, 'assets'));
    await mkdir(join(dir, '.vite'));
    const big = text(8000);
    await writeFile(join(dir, 'widget.js'), big);
    await writeFile(join(dir, 'assets', 'a-123.css'), big);
    await writeFile(join(dir, 'small.html'), text(500)); // under 1 KiB
    await writeFile(join(dir, 'assets', 'logo.png'), big); // not a text file
    await writeFile(join(dir, '.vite', 'manifest.json'), big); // never served
    // Random bytes do not compress: no copy pays.
    await writeFile(join(dir, 'noise.json'), crypto.getRandomValues(new Uint8Array(4096)));

    const done = await precompressDir(dir);

    expect(await names(dir)).toEqual([
      '.vite', '.vite/manifest.json', 'assets', 'assets/a-123.css', 'assets/a-123.css.br', 'assets/a-123.css.gz',
      'assets/logo.png', 'noise.json', 'small.html', 'widget.js', 'widget.js.br', 'widget.js.gz',
    ]);
    for (const name of ['widget.js', 'assets/a-123.css']) {
      const gz = await readFile(join(dir, name + '.gz'));
      const br = await readFile(join(dir, name + '.br'));
      expect(gunzipSync(gz).toString()).toBe(big);
      expect(brotliDecompressSync(br).toString()).toBe(big);
      expect(br.length).toBeLessThan(big.length / 4);
    }
    const widget = done.find((f) => f.name === 'widget.js');
    expect(widget?.size).toBe(8000);
    expect(widget?.gzip).toBeGreaterThan(0);
    expect(done.find((f) => f.name === 'noise.json')).toMatchObject({ gzip: 0, brotli: 0 });

    // A second run over the same folder compresses no copy again.
    await precompressDir(dir);
    expect((await names(dir)).filter((n) => n.endsWith('.gz.gz') || n.endsWith('.br.br') || n.endsWith('.gz.br'))).toEqual([]);
  });
});
