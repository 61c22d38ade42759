import { describe, expect, it } from 'vitest';
import { Outbox, type OutboxEntry } from './outbox';
import { keys, SafeStorage, type KeyValue } from './storage';

function memory(): KeyValue & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const entry = (id: string, conv = 'c1'): OutboxEntry => ({
  clientMsgId: id,
  conversationId: conv,
  text: `text ${id}`,
  time: '2026-11-25T10:00:00Z',
});

describe('Outbox', () => {
  it('keeps entries in storage, so a new page (a new Outbox) finds them in order', () => {
    const st = memory();
    const a = new Outbox(st);
    a.add(entry('m1'));
    a.add(entry('m2'));
    a.add(entry('x1', 'c2'));
    const b = new Outbox(st);
    expect(b.list('c1').map((e) => e.clientMsgId)).toEqual(['m1', 'm2']);
    expect(b.list('c2')).toEqual([entry('x1', 'c2')]);
    expect(st.data.has(keys.outbox)).toBe(true);
  });

  it('adds an id once', () => {
    const o = new Outbox(memory());
    o.add(entry('m1'));
    o.add({ ...entry('m1'), text: 'again' });
    expect(o.list('c1')).toEqual([entry('m1')]);
  });

  it('removes an entry on ack and clears a conversation', () => {
    const st = memory();
    const o = new Outbox(st);
    o.add(entry('m1'));
    o.add(entry('m2'));
    o.add(entry('x1', 'c2'));
    o.remove('m1');
    expect(o.list('c1').map((e) => e.clientMsgId)).toEqual(['m2']);
    o.remove('nope');
    o.clear('c1');
    expect(o.list('c1')).toEqual([]);
    expect(o.list('c2')).toHaveLength(1);
    o.remove('x1');
    expect(st.data.has(keys.outbox)).toBe(false);
  });

  it('ignores broken stored data', () => {
    const st = memory();
    st.setItem(keys.outbox, '{not json');
    expect(new Outbox(st).all()).toEqual([]);
    st.setItem(keys.outbox, JSON.stringify([entry('ok'), { clientMsgId: 3 }, null]));
    expect(new Outbox(st).all()).toEqual([entry('ok')]);
  });
});

describe('SafeStorage', () => {
  it('falls back to memory when the real storage throws', () => {
    const broken: KeyValue = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    const s = new SafeStorage(broken);
    expect(s.getItem('k')).toBeNull();
    s.setItem('k', 'v');
    expect(s.getItem('k')).toBe('v');
    s.removeItem('k');
    expect(s.getItem('k')).toBeNull();
    const o = new Outbox(s);
    o.add(entry('m1'));
    expect(o.list('c1')).toHaveLength(1);
  });

  it('works without any storage', () => {
    const s = new SafeStorage(null);
    s.setItem('a', '1');
    expect(s.getItem('a')).toBe('1');
  });
});
