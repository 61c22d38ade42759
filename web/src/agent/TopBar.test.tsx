import { afterEach, beforeEach, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { TopBar } from './TopBar';
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
