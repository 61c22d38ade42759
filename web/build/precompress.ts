// Precompression of the built front end: after `vite build`, every file of
// dist/ worth compressing gets a gzip (X.gz) and a brotli (X.br) copy beside
// it, made once here at the best levels (gzip 9, brotli 11), so the server
// sends them as they are and never compresses on a request (httpapi/web.go
// chooses one by Accept-Encoding and falls back to the plain file).
//
// Node's own zlib does both: no plugin is needed for that, and this way the
// rules below (which files, when a copy pays) are ours and tested
// (precompress.test.ts).
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Extensions of text files, which compress well; images, fonts in woff2
 * and the like are compressed already and are left alone. */
export const compressible = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.map', '.txt']);

/** Files smaller than this are not compressed: the whole answer fits in one
 * packet anyway, and the copy would only cost space in the binary. */
export const minSize = 1024;

/** What precompressDir wrote: each compressed file's name (relative to the
 * folder) and sizes in bytes; a size is 0 where that copy did not pay. */
export interface Compressed {
  name: string;
  size: number;
  gzip: number;
  brotli: number;
}

/** Directories below dist/ that are never served (Vite's manifest). */
const skipDirs = new Set(['.vite']);

async function* files(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!skipDirs.has(e.name)) yield* files(p);
    } else if (e.isFile()) {
      yield p;
    }
  }
}

/**
 * precompressDir writes X.gz and X.br beside every compressible file X of
 * dir of at least minSize bytes. A copy that is not smaller than X is not
 * written, so the server's fall-back to the plain file covers it. Files
 * ending in .gz or .br are never compressed again, so a second run over the
 * same folder writes the same copies.
 */
export async function precompressDir(dir: string): Promise<Compressed[]> {
  const work: Promise<Compressed>[] = [];
  for await (const path of files(dir)) {
    if (!compressible.has(extname(path))) continue;
    work.push(
      (async () => {
        const plain = await readFile(path);
        const out: Compressed = { name: relative(dir, path), size: plain.length, gzip: 0, brotli: 0 };
        if (plain.length < minSize) return out;
        const [gz, br] = await Promise.all([
          gzipAsync(plain, { level: 9 }),
          brotliAsync(plain, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
              [constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
            },
          }),
        ]);
        if (gz.length < plain.length) {
          await writeFile(path + '.gz', gz);
          out.gzip = gz.length;
        }
        if (br.length < plain.length) {
          await writeFile(path + '.br', br);
          out.brotli = br.length;
        }
        return out;
      })(),
    );
  }
  const done = await Promise.all(work);
  return done.sort((a, b) => a.name.localeCompare(b.name));
}

/** precompress is the Vite plugin that runs precompressDir over the output
 * folder once the build has written it. */
export function precompress(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'skranke-precompress',
    apply: 'build',
    configResolved(c) {
      config = c;
    },
    async closeBundle() {
      const dir = resolve(config.root, config.build.outDir);
      const done = await precompressDir(dir);
      const n = done.filter((f) => f.gzip > 0 || f.brotli > 0).length;
      config.logger.info(`precompressed ${n} of ${done.length} text files in ${relative(config.root, dir)} (gzip 9, brotli 11)`);
    },
  };
}
