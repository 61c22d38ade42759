// Safe access to the frame's localStorage. Browsers may refuse storage to a
// third-party iframe (privacy settings, private mode) or throw when it is
// full; the widget then keeps its state in memory for the life of the page,
// which still covers network drops, only not reloads.

/** KeyValue is the part of the Storage interface the widget uses. */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Keys the frame keeps in its own origin's localStorage. */
export const keys = {
  token: 'skranke.customer',
  conversation: 'skranke.conversation',
  outbox: 'skranke.outbox',
  readSeq: 'skranke.readSeq',
} as const;

class MemoryStorage implements KeyValue {
  private m = new Map<string, string>();
  getItem(key: string): string | null {
    return this.m.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.m.set(key, value);
  }
  removeItem(key: string): void {
    this.m.delete(key);
  }
}

/**
 * SafeStorage wraps a Storage so that no call throws. Values written while
 * the real storage fails are still read back for the life of the page.
 */
export class SafeStorage implements KeyValue {
  private readonly mem = new MemoryStorage();
  private readonly real: KeyValue | null;

  constructor(real: KeyValue | null) {
    this.real = real;
  }

  getItem(key: string): string | null {
    const v = this.mem.getItem(key);
    if (v !== null) return v;
    try {
      return this.real?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  setItem(key: string, value: string): void {
    try {
      if (this.real) {
        this.real.setItem(key, value);
        this.mem.removeItem(key);
        return;
      }
    } catch {
      // Fall through to memory.
    }
    this.mem.setItem(key, value);
  }

  removeItem(key: string): void {
    this.mem.removeItem(key);
    try {
      this.real?.removeItem(key);
    } catch {
      // Nothing to do.
    }
  }
}

/** openStorage returns the frame's localStorage, wrapped so that it never throws. */
export function openStorage(): SafeStorage {
  let real: KeyValue | null = null;
  try {
    real = window.localStorage;
  } catch {
    real = null;
  }
  return new SafeStorage(real);
}
