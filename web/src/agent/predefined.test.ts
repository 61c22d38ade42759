import { describe, expect, it } from 'vitest';
import type { PredefinedText } from '../common/protocol';
import { loadRecent, pick, remember, saveRecent, slashQuery } from './predefined';

const list: PredefinedText[] = [
  { id: 'greet', title: 'Greeting', category: 'General', text: 'Hello Kari' },
  { id: 'hours', title: 'Opening hours', category: 'General', text: 'We are open 8 to 16' },
  { id: 'prices', title: 'Prices', category: 'Sales', text: 'See our prices' },
];

describe('pick', () => {
  it('finds by the start of words in the title, category or text', () => {
    expect(pick(list, 'open', []).map((m) => m.id)).toEqual(['hours']);
    expect(pick(list, 'OPEN hou', []).map((m) => m.id)).toEqual(['hours']);
    expect(pick(list, 'sales', []).map((m) => m.id)).toEqual(['prices']);
    expect(pick(list, 'nothing', [])).toEqual([]);
    expect(pick(list, '', []).map((m) => m.id)).toEqual(['greet', 'hours', 'prices']);
  });
  it('puts the recently used first, newest first', () => {
    expect(pick(list, '', ['prices', 'hours']).map((m) => m.id)).toEqual(['prices', 'hours', 'greet']);
    expect(pick(list, '', ['gone']).map((m) => m.id)).toEqual(['greet', 'hours', 'prices']);
  });
});

describe('recently used', () => {
  it('remembers each once, newest first, and keeps them per agent', () => {
    let r = remember([], 'a');
    r = remember(r, 'b');
    r = remember(r, 'a');
    expect(r).toEqual(['a', 'b']);
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    saveRecent(storage, 'u-anna', r);
    expect(loadRecent(storage, 'u-anna')).toEqual(['a', 'b']);
    expect(loadRecent(storage, 'u-bjorn')).toEqual([]);
    store.set('skranke.predefined.recent.u-bjorn', 'not json');
    expect(loadRecent(storage, 'u-bjorn')).toEqual([]);
  });
});

describe('slashQuery', () => {
  it('is what follows a slash at the start of a one-line input', () => {
    expect(slashQuery('/open')).toBe('open');
    expect(slashQuery('/')).toBe('');
    expect(slashQuery('hello /open')).toBeUndefined();
    expect(slashQuery('/a\nb')).toBeUndefined();
  });
});
