import { describe, expect, it } from 'vitest';
import { dictionaries, pickLang } from './texts';
import { applyTexts, embedWidget } from './main';

describe('demo texts', () => {
  it('en and nb have the same keys and shapes, none empty', () => {
    const { en, nb } = dictionaries;
    expect(Object.keys(nb).sort()).toEqual(Object.keys(en).sort());
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect(Array.isArray(nb[k]), k).toBe(Array.isArray(en[k]));
      if (Array.isArray(en[k])) expect((nb[k] as string[]).length, k).toBe((en[k] as string[]).length);
      expect(String(nb[k]).trim(), k).not.toBe('');
    }
  });

  it('picks the language from ?lang=', () => {
    expect(pickLang('?lang=nb')).toBe('nb');
    expect(pickLang('?lang=no')).toBe('nb');
    expect(pickLang('')).toBe('en');
    expect(pickLang('?lang=de')).toBe('en');
  });

  it('fills the page as text and embeds the widget in the language', () => {
    document.body.innerHTML = '<h1 data-i18n="heroTitle">x</h1><p data-i18n-rich="note">x</p><nav data-i18n-label="navLabel"></nav>';
    applyTexts(document, dictionaries.nb);
    expect(document.querySelector('h1')?.textContent).toBe('Ren kraft fra nord, til en ærlig pris.');
    expect(document.querySelector('p strong')?.textContent).toBe('Skranke-demo');
    expect(document.querySelector('nav')?.getAttribute('aria-label')).toBe('Hovedmeny');
    embedWidget(document, 'nb', dictionaries.nb);
    const s = document.querySelector('script');
    expect(s?.getAttribute('data-lang')).toBe('nb');
    expect(s?.getAttribute('data-queue-names')).toBe('sales=Salg,support=Kundeservice');
    expect(s?.hasAttribute('data-queues'), 'the queues are the widget settings\'').toBe(false);
    document.body.innerHTML = '';
    embedWidget(document, undefined, dictionaries.en);
    expect(document.querySelector('script')?.hasAttribute('data-lang'), 'no ?lang=: the settings\' language').toBe(false);
  });
});
