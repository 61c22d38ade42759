import { describe, expect, it } from 'vitest';
import { loadPrefs, savePrefs } from './alerts';

function memory(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: () => null,
    length: 0,
  };
}

describe('alert preferences', () => {
  it('default to sound on, notifications off', () => {
    expect(loadPrefs(memory())).toEqual({ sound: true, notify: false });
  });
  it('are kept', () => {
    const s = memory();
    savePrefs({ sound: false, notify: true }, s);
    expect(loadPrefs(s)).toEqual({ sound: false, notify: true });
  });
  it('survive garbage in storage', () => {
    const s = memory();
    s.setItem('skranke.alerts', '{not json');
    expect(loadPrefs(s)).toEqual({ sound: true, notify: false });
  });
});
