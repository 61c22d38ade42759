import { describe, expect, it } from 'vitest';
import { basePath } from './api';
import { darken, readConfig, splitList, withSettings, type WidgetSettings } from './config';
import { pickQueues } from './StartView';

describe('readConfig', () => {
  it('reads queues, language, title and host origin', () => {
    expect(readConfig('?queues=sales,%20support,,sales&lang=nb&title=Nordlys&origin=https%3A%2F%2Fshop.example%2Fx')).toEqual({
      lang: 'nb',
      langGiven: true,
      queues: ['sales', 'support'],
      fixed: false,
      title: 'Nordlys',
      names: {},
      hostOrigin: 'https://shop.example',
      preview: false,
    });
  });

  it('prefers a fixed queue and defaults the rest', () => {
    expect(readConfig('?queue=sales&queues=a,b&origin=garbage')).toEqual({
      lang: 'en',
      langGiven: false,
      queues: ['sales'],
      fixed: true,
      title: undefined,
      names: {},
      hostOrigin: null,
      preview: false,
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

describe('withSettings', () => {
  const settings: WidgetSettings = {
    title: 'Nordlys', greeting: 'Hei!', color: '#0b3d4f', textColor: '#ffffff',
    queues: ['support', 'sales'], language: 'nb', showPosition: false,
  };
  it('fills in what the site left out', () => {
    const c = withSettings(readConfig(''), settings);
    expect(c).toMatchObject({ lang: 'nb', queues: ['support', 'sales'], fixed: false, title: 'Nordlys', greeting: 'Hei!', color: '#0b3d4f', showPosition: false });
  });
  it("keeps the site's own attributes", () => {
    const c = withSettings(readConfig('?queue=sales&lang=en&title=Shop'), { ...settings, fixedQueue: 'support' });
    expect(c).toMatchObject({ lang: 'en', queues: ['sales'], fixed: true, title: 'Shop' });
  });
  it("fixes the organisation's queue when the site names none", () => {
    expect(withSettings(readConfig(''), { ...settings, fixedQueue: 'support' })).toMatchObject({ queues: ['support'], fixed: true });
  });
  it('runs on its own defaults without settings', () => {
    expect(withSettings(readConfig('?preview=1'), null)).toMatchObject({ lang: 'en', queues: [], showPosition: true, preview: true });
  });
  it('darkens colours', () => {
    expect(darken('#ffffff', 0.5)).toBe('#808080');
    expect(darken('nonsense')).toBe('nonsense');
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
