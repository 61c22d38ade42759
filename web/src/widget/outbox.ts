// The outbox keeps the customer's messages from the moment they are typed
// until the server acknowledges them (R16). It lives in localStorage, so a
// reload or a crash never loses a message: after reloading, the widget shows
// every entry as "sending" again and resends it with the SAME clientMsgId,
// which the server deduplicates, acknowledging with the original seq.

import type { AttachmentRef } from '../common/protocol';
import { keys, type KeyValue } from './storage';

/** OutboxEntry is one unacknowledged customer message. */
export interface OutboxEntry {
  clientMsgId: string;
  conversationId: string;
  text: string;
  /** When the customer sent it (ISO 8601), shown until the server's time replaces it. */
  time: string;
  /** The files it carries, uploaded already (their ids are sent). */
  attachments?: AttachmentRef[];
}

function isEntry(v: unknown): v is OutboxEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.clientMsgId === 'string' &&
    typeof e.conversationId === 'string' &&
    typeof e.text === 'string' &&
    typeof e.time === 'string' &&
    (e.attachments === undefined || (Array.isArray(e.attachments) && e.attachments.every((a) => typeof (a as { id?: unknown })?.id === 'string')))
  );
}

/**
 * Outbox is the persistent list of unacknowledged messages, oldest first.
 * Every method reads the stored list afresh, so two tabs of the same site
 * do not overwrite each other's entries for long.
 */
export class Outbox {
  private readonly storage: KeyValue;
  private readonly key: string;

  constructor(storage: KeyValue, key: string = keys.outbox) {
    this.storage = storage;
    this.key = key;
  }

  /** all returns every entry, of every conversation. */
  all(): OutboxEntry[] {
    const raw = this.storage.getItem(this.key);
    if (!raw) return [];
    try {
      const v: unknown = JSON.parse(raw);
      return Array.isArray(v) ? v.filter(isEntry) : [];
    } catch {
      return [];
    }
  }

  /** list returns the entries of one conversation, oldest first. */
  list(conversationId: string): OutboxEntry[] {
    return this.all().filter((e) => e.conversationId === conversationId);
  }

  /** add stores an entry; adding the same clientMsgId again changes nothing. */
  add(entry: OutboxEntry): void {
    const all = this.all();
    if (all.some((e) => e.clientMsgId === entry.clientMsgId)) return;
    all.push(entry);
    this.write(all);
  }

  /** remove drops the entry with this clientMsgId, once it is acknowledged or refused. */
  remove(clientMsgId: string): void {
    const all = this.all();
    const rest = all.filter((e) => e.clientMsgId !== clientMsgId);
    if (rest.length !== all.length) this.write(rest);
  }

  /** clear drops every entry of one conversation (when the customer leaves it for good). */
  clear(conversationId: string): void {
    const all = this.all();
    const rest = all.filter((e) => e.conversationId !== conversationId);
    if (rest.length !== all.length) this.write(rest);
  }

  private write(entries: OutboxEntry[]): void {
    if (entries.length === 0) this.storage.removeItem(this.key);
    else this.storage.setItem(this.key, JSON.stringify(entries));
  }
}
