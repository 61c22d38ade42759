// Predefined messages in the agent desktop (R8), the parts without a DOM:
// which match what the agent typed, in which order (recently used first),
// and the memory of what was used, kept per agent in localStorage.

import type { PredefinedText } from '../common/protocol';

/** recentMax is how many recently used messages are remembered. */
export const recentMax = 20;

/** recentKey is the localStorage key of an agent's recently used messages. */
export function recentKey(userId: string): string {
  return `skranke.predefined.recent.${userId}`;
}

/** loadRecent reads an agent's recently used message ids, newest first. */
export function loadRecent(storage: Pick<Storage, 'getItem'>, userId: string): string[] {
  try {
    const v: unknown = JSON.parse(storage.getItem(recentKey(userId)) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** remember puts id first among the recently used, and returns the new list. */
export function remember(recent: string[], id: string): string[] {
  return [id, ...recent.filter((r) => r !== id)].slice(0, recentMax);
}

/** saveRecent keeps an agent's recently used message ids. */
export function saveRecent(storage: Pick<Storage, 'setItem'>, userId: string, recent: string[]): void {
  try {
    storage.setItem(recentKey(userId), JSON.stringify(recent));
  } catch {
    // A full or forbidden storage only loses the order.
  }
}

/**
 * pick returns the messages that match query, recently used first (newest
 * first), then the rest in the server's order (by category and title). A
 * message matches when every word of the query begins a word of its title,
 * its category or its text, whatever the case.
 */
export function pick(list: PredefinedText[], query: string, recent: string[]): PredefinedText[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = list.filter((m) => {
    const hay = `${m.title} ${m.category ?? ''} ${m.text}`.toLowerCase().split(/[^\p{L}\p{N}]+/u);
    return words.every((w) => hay.some((h) => h.startsWith(w)) || m.title.toLowerCase().includes(w));
  });
  const rank = (m: PredefinedText) => {
    const i = recent.indexOf(m.id);
    return i < 0 ? recent.length : i;
  };
  return matches
    .map((m, i) => ({ m, i }))
    .sort((a, b) => rank(a.m) - rank(b.m) || a.i - b.i)
    .map((x) => x.m);
}

/** slashQuery returns what follows a "/" at the start of the input, or undefined when the input is not a "/" search. */
export function slashQuery(draft: string): string | undefined {
  if (!draft.startsWith('/')) return undefined;
  const q = draft.slice(1);
  return q.includes('\n') ? undefined : q;
}
