import { afterEach, beforeEach, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { TopBar } from './TopBar';
import { LanguageContext, TextsContext } from './hooks';
import { dictionaries } from './texts';
import { initialState } from './state';
import type { DesktopState } from './state';
import type { AgentStatus } from '../common/protocol';

let root: HTMLElement;
beforeEach(() => {
  root = document.createElement('div');
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});

function paused(): DesktopState {
  return {
    ...initialState(),
    status: 'paused',
    profileId: 'sales',
    profiles: [
      { id: 'sales', name: 'Sales', queues: ['sales'] },
      { id: 'support', name: 'Support', queues: ['support'] },
    ],
  };
}

it('sends the newest profile with a status chosen before the server answered', () => {
  const calls: [AgentStatus, string | undefined][] = [];
  act(() => {
    render(<TopBar state={paused()} onStatus={(s, p) => calls.push([s, p])} onLogout={() => {}} />, root);
  });
  const select = root.querySelector('select')!;
  act(() => {
    select.value = 'support';
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  const ready = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Ready')!;
  act(() => ready.click());
  expect(calls).toEqual([
    ['paused', 'support'],
    ['ready', 'support'],
  ]);
});

it('sends the chosen status with a profile chosen before the server answered', () => {
  const calls: [AgentStatus, string | undefined][] = [];
  act(() => {
    render(<TopBar state={paused()} onStatus={(s, p) => calls.push([s, p])} onLogout={() => {}} />, root);
  });
  const ready = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Ready')!;
  act(() => ready.click());
  const select = root.querySelector('select')!;
  act(() => {
    select.value = 'support';
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  expect(calls).toEqual([
    ['ready', 'sales'],
    ['ready', 'support'],
  ]);
});

it('has a language switch named in the language shown, which chooses the other', () => {
  const chosen: string[] = [];
  const bar = (lang: 'en' | 'nb') => (
    <TextsContext.Provider value={dictionaries[lang]}>
      <LanguageContext.Provider value={{ lang, onLanguage: (l) => chosen.push(l) }}>
        <TopBar state={paused()} onStatus={() => {}} onLogout={() => {}} />
      </LanguageContext.Provider>
    </TextsContext.Provider>
  );
  act(() => render(bar('en'), root));
  const select = root.querySelector<HTMLSelectElement>('#language-select')!;
  expect(root.querySelector('label[for="language-select"]')?.textContent).toBe('Language');
  expect([...select.options].map((o) => [o.value, o.lang, o.textContent])).toEqual([
    ['en', 'en', 'English'],
    ['nb', 'nb', 'Norsk bokmål'],
  ]);
  act(() => {
    select.value = 'nb';
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  expect(chosen).toEqual(['nb']);
  act(() => render(bar('nb'), root));
  expect(root.querySelector('label[for="language-select"]')?.textContent).toBe('Språk');
  expect(root.querySelector<HTMLSelectElement>('#language-select')!.value).toBe('nb');
});

it('has no language switch where no one can choose', () => {
  act(() => render(<TopBar state={paused()} onStatus={() => {}} onLogout={() => {}} />, root));
  expect(root.querySelector('#language-select')).toBeNull();
});
