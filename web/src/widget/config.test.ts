import { describe, expect, it } from 'vitest';
import { basePath } from './api';
import { readConfig, splitList } from './config';
import { pickQueues } from './StartView';

describe('readConfig', () => {
  it('reads queues, language, title and host origin', () => {
    expect(readConfig('?queues=sales,%20support,,sales&lang=nb&title=Nordlys&origin=https%3A%2F%2Fshop.example%2Fx')).toEqual({
      lang: 'nb',
      queues: ['sales', 'support'],
      fixed: false,
      title: 'Nordlys',
      names: {},
      hostOrigin: 'https://shop.example',
    });
  });

  it('prefers a fixed queue and defaults the rest', () => {
    expect(readConfig('?queue=sales&queues=a,b&origin=garbage')).toEqual({
      lang: 'en',
      queues: ['sales'],
      fixed: true,
      title: undefined,
      names: {},
      hostOrigin: null,
    });
    expect(readConfig('').queues).toEqual([]);
  });

  it("reads the site's names of queues", () => {
    expect(readConfig('?queues=sales,support&names=' + encodeURIComponent('sales=Salg, support = Kundeservice,bad,=x,sales=Other')).names).toEqual({
      sales: 'Salg',
      support: 'Kundeservice',
    });
  });

  it('splits lists', () => {
    expect(splitList(' a , b,,a ')).toEqual(['a', 'b']);
    expect(splitList(null)).toEqual([]);
  });
});

describe('basePath', () => {
  it('finds the path Skranke is served under', () => {
    expect(basePath('/widget/frame')).toBe('');
    expect(basePath('/skranke/widget/frame')).toBe('/skranke');
    expect(basePath('/widget-frame.html')).toBe('');
  });
});

describe('pickQueues', () => {
  const all = [
    { id: 'sales', name: 'Sales', agentsOnline: 1 },
    { id: 'support', name: 'Support', agentsOnline: 0 },
    { id: 'billing', name: 'Billing', agentsOnline: 2 },
  ];
  it("keeps the site's queues in the site's order, skipping unknown ones", () => {
    expect(pickQueues(all, ['support', 'nope', 'sales']).map((q) => q.id)).toEqual(['support', 'sales']);
  });
  it('offers every queue when the site names none', () => {
    expect(pickQueues(all, [])).toEqual(all);
  });
});
