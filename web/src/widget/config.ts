// The frame's configuration, read from its URL. The loader builds the URL
// (loader.ts); the parameters are:
//   queue=sales             a fixed queue
//   queues=sales,support    the customer chooses among these
//   lang=en|nb              the language (default en)
//   title=…                 the header title (default "Chat with us")
//   names=sales=Salg,…      the site's own names of queues, in its language
//   origin=https://…        the host page's origin, for postMessage

import { parseLang, type Lang } from './texts';

export interface FrameConfig {
  lang: Lang;
  /** The queue ids to offer, in order; empty means every queue the server lists. */
  queues: string[];
  /** True when the site fixed the queue (data-queue), so the customer does not choose. */
  fixed: boolean;
  title?: string;
  /** The site's names of queues by id (data-queue-names), over the server's. */
  names: Record<string, string>;
  hostOrigin: string | null;
}

/** parseNames reads "sales=Salg, support=Kundeservice" into names by queue id. */
export function parseNames(s: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of splitList(s)) {
    const i = part.indexOf('=');
    const id = part.slice(0, i).trim();
    const name = part.slice(i + 1).trim();
    if (i > 0 && id && name && !(id in out)) out[id] = name;
  }
  return out;
}

/** splitList splits "a, b,,c" into ["a", "b", "c"], without duplicates. */
export function splitList(s: string | null | undefined): string[] {
  if (!s) return [];
  const out: string[] = [];
  for (const part of s.split(',')) {
    const v = part.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/** readConfig reads the frame's configuration from its query string. */
export function readConfig(search: string): FrameConfig {
  const p = new URLSearchParams(search);
  const fixedQueue = p.get('queue')?.trim();
  const origin = p.get('origin');
  let hostOrigin: string | null = null;
  if (origin) {
    try {
      hostOrigin = new URL(origin).origin;
    } catch {
      hostOrigin = null;
    }
  }
  return {
    lang: parseLang(p.get('lang')),
    queues: fixedQueue ? [fixedQueue] : splitList(p.get('queues')),
    fixed: !!fixedQueue,
    title: p.get('title')?.trim() || undefined,
    names: parseNames(p.get('names')),
    hostOrigin,
  };
}
