// The frame's configuration, read from its URL. The loader builds the URL
// (loader.ts); the parameters are:
//   queue=sales             a fixed queue
//   queues=sales,support    the customer chooses among these
//   lang=en|nb              the language (default en)
//   title=…                 the header title (default "Chat with us")
//   names=sales=Salg,…      the site's own names of queues, in its language
//   origin=https://…        the host page's origin, for postMessage
//   preview=1               the admin pages' live preview: settings arrive by
//                           postMessage from the page itself, nothing is started
//
// The organisation's widget settings (GET /api/v1/widget/settings) fill in
// what the URL leaves out: the site's own attributes win (withSettings).

import { parseLang, type Lang } from './texts';

/** WidgetSettings are the organisation's settings, as the server serves them to any site. */
export interface WidgetSettings {
  title: string;
  greeting: string;
  color: string;
  textColor: string;
  queues: string[];
  fixedQueue?: string;
  language: string;
  showPosition: boolean;
}

export interface FrameConfig {
  lang: Lang;
  /** True when the site chose the language (data-lang). */
  langGiven: boolean;
  /** The queue ids to offer, in order; empty means every queue the server lists. */
  queues: string[];
  /** True when the site fixed the queue (data-queue), so the customer does not choose. */
  fixed: boolean;
  title?: string;
  /** The site's names of queues by id (data-queue-names), over the server's. */
  names: Record<string, string>;
  hostOrigin: string | null;
  /** The admin pages' preview of unsaved settings. */
  preview: boolean;
}

/** Config is what the frame runs with: its URL and the organisation's settings together. */
export interface Config extends FrameConfig {
  greeting?: string;
  color?: string;
  textColor?: string;
  showPosition: boolean;
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
    langGiven: !!p.get('lang'),
    queues: fixedQueue ? [fixedQueue] : splitList(p.get('queues')),
    fixed: !!fixedQueue,
    title: p.get('title')?.trim() || undefined,
    names: parseNames(p.get('names')),
    hostOrigin,
    preview: p.get('preview') === '1',
  };
}

/**
 * withSettings completes the frame's configuration with the organisation's
 * settings (null when they could not be read: the frame's own defaults).
 * What the site gave in the URL wins.
 */
export function withSettings(cfg: FrameConfig, s: WidgetSettings | null): Config {
  if (!s) return { ...cfg, showPosition: true };
  const siteQueues = cfg.queues.length > 0;
  return {
    ...cfg,
    lang: cfg.langGiven ? cfg.lang : parseLang(s.language),
    queues: siteQueues ? cfg.queues : s.fixedQueue ? [s.fixedQueue] : s.queues,
    fixed: siteQueues ? cfg.fixed : !!s.fixedQueue,
    title: cfg.title ?? (s.title.trim() || undefined),
    greeting: s.greeting.trim() || undefined,
    color: s.color || undefined,
    textColor: s.textColor || undefined,
    showPosition: s.showPosition,
  };
}

/** darken returns a #rrggbb colour a little darker (for hover states). */
export function darken(hex: string, by = 0.15): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = parseInt(m[1], 16);
  const ch = (shift: number) => Math.round(((n >> shift) & 255) * (1 - by));
  return '#' + [16, 8, 0].map((sh) => ch(sh).toString(16).padStart(2, '0')).join('');
}
