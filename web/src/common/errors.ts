// Server errors as people read them. Every error the server sends has a
// stable reason key and the values it names besides its English message
// (docs/protocol.md, "Errors"; reasons.en.json lists every reason with its
// English text). A surface keeps its own text for the reasons its users
// meet, in each of its languages; errorText shows that text, filled in with
// the error's parameters, and the server's English message for any other
// reason, so a new reason is never shown as a bare key.

import type { ErrorParams } from './protocol';

/**
 * clientReasons are the reasons of errors the browser makes itself, when
 * the server cannot say anything: a surface's reasons catalogue has texts
 * for them beside the server's reasons.
 */
export const clientReasons = {
  server_unreachable: 'The server cannot be reached.',
  connection_lost: 'Disconnected.',
  no_answer: 'The server did not answer in time.',
  not_connected: 'Not connected to the server.',
} as const;

/** ReasonTexts maps a reason key to a text with {param} placeholders. */
export type ReasonTexts = Readonly<Record<string, string>>;

/** fill replaces each {name} in text by params[name]; it returns undefined if one has no value. */
export function fill(text: string, params: ErrorParams | undefined): string | undefined {
  let missing = false;
  const out = text.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (params && Object.hasOwn(params, k)) return String(params[k]);
    missing = true;
    return '';
  });
  return missing ? undefined : out;
}

/** reasonOf returns the reason, parameters and message an error carries, if it is an object that has them. */
function reasonOf(err: unknown): { reason?: string; params?: ErrorParams; message?: string } {
  if (typeof err !== 'object' || err === null) return {};
  const e = err as { reason?: unknown; params?: unknown; message?: unknown };
  return {
    reason: typeof e.reason === 'string' ? e.reason : undefined,
    params: typeof e.params === 'object' && e.params !== null ? (e.params as ErrorParams) : undefined,
    message: typeof e.message === 'string' ? e.message : undefined,
  };
}

/**
 * errorText returns the text to show for err — a RequestError, an
 * ApiRequestError, an error frame or body, or any error: the text of texts
 * for its reason, filled in with its parameters, when there is one and it
 * can be filled; else its own (the server's English) message; else
 * fallback, or err as a string.
 */
export function errorText(err: unknown, texts: ReasonTexts, fallback?: string): string {
  const { reason, params, message } = reasonOf(err);
  if (reason && Object.hasOwn(texts, reason)) {
    const text = fill(texts[reason], params);
    if (text !== undefined) return text;
  }
  if (message) return message;
  return fallback ?? String(err);
}
