// Telling the agent of a new request, wherever the agent looks: a live
// region that a screen reader reads at once ("New chat request from Kari,
// Sales, 30 seconds to answer. Alt+Shift+N accepts."), a desktop
// notification while the page is hidden (where the agent allowed them),
// and the keyboard shortcut that accepts the newest request from anywhere
// on the desktop.
//
// A request is announced once, as soon as its details (the customer's
// name) are known; the page title and the sound are the Desktop's.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useTexts } from './hooks';
import { fmt } from './texts';
import type { Texts } from './texts';
import { isOfferLike, queueName } from './state';
import type { DesktopState, Tab } from './state';
import { customerLabel } from './customer';
import { notify } from './alerts';
import type { AlertPrefs } from './alerts';

/** announcement is what the live region says of a new request at now. */
export function announcement(tab: Tab, queue: string, now: number, t: Texts): string {
  const left = tab.expiresAt ? Math.max(0, Math.round((Date.parse(tab.expiresAt) - now) / 1000)) : 0;
  const vars = { name: customerLabel(tab, t), queue, seconds: left, shortcut: t.acceptShortcut };
  return fmt(tab.kind === 'invitation' ? t.announceInvitation : t.announceOffer, vars);
}

/** isShortcut tells whether a key press is the accept shortcut, Alt+Shift+N. */
export function isShortcut(e: Pick<KeyboardEvent, 'altKey' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'code'>): boolean {
  return e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyN';
}

/** useAcceptShortcut calls accept with the newest request's id on Alt+Shift+N (none: nothing). */
export function useAcceptShortcut(newest: string | undefined, accept: (id: string) => void): void {
  const latest = useRef({ newest, accept });
  latest.current = { newest, accept };
  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (!isShortcut(e)) return;
      e.preventDefault();
      const id = latest.current.newest;
      if (id) latest.current.accept(id);
    }
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}

export interface AnnouncerProps {
  state: DesktopState;
  prefs: AlertPrefs;
  /** selects a request's tab, when its notification is clicked. */
  onShow: (id: string) => void;
}

export function Announcer({ state, prefs, onShow }: AnnouncerProps) {
  const t = useTexts();
  const told = useRef(new Set<string>());
  const [text, setText] = useState('');
  const clear = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(clear.current), []);
  useEffect(() => {
    for (const id of state.order) {
      const tab = state.tabs[id];
      const key = `${id} ${tab.offeredAt ?? ''}`;
      if (!isOfferLike(tab) || !tab.detailsLoaded || told.current.has(key)) continue;
      told.current.add(key);
      const queue = queueName(state, tab.queueId);
      setText(announcement(tab, queue, Date.now(), t));
      clearTimeout(clear.current);
      clear.current = setTimeout(() => setText(''), 20000);
      notify(prefs, t.notifyTitle, fmt(t.notifyBody, { name: customerLabel(tab, t), queue }), id, () => onShow(id));
    }
    // Forget requests that are answered, so a new offer of the same chat is news.
    for (const key of told.current) {
      const id = key.split(' ')[0];
      if (!state.tabs[id] || !isOfferLike(state.tabs[id])) told.current.delete(key);
    }
  }, [state.order, state.tabs]);
  return (
    <div class="visually-hidden" role="alert" aria-atomic="true">
      {text}
    </div>
  );
}
