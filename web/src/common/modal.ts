// Focus handling of modal dialogs, for every surface: Tab stays inside the
// dialog, Escape cancels, and the focus goes back where it was.

import { useEffect, useRef } from 'preact/hooks';

const focusableSelector =
  'button:not([disabled]), input:not([disabled]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * focusables lists what Tab reaches inside box, in order. Of a radio group
 * only the checked radio (or the first, when none is) is a stop, as in the
 * browser's own order.
 */
export function focusables(box: HTMLElement): HTMLElement[] {
  const all = Array.from(box.querySelectorAll<HTMLElement>(focusableSelector));
  return all.filter((el) => {
    if (!(el instanceof HTMLInputElement) || el.type !== 'radio' || !el.name) return true;
    const group = all.filter((x): x is HTMLInputElement => x instanceof HTMLInputElement && x.type === 'radio' && x.name === el.name);
    const checked = group.find((x) => x.checked);
    return checked ? el === checked : el === group[0];
  });
}

/**
 * useModal makes the element in ref a modal dialog's box: Tab and Shift+Tab
 * stay inside, Escape calls onCancel, and when it closes the focus goes back
 * where it was. Keys are handled on the document, so the trap holds even
 * when focus has slipped out (for example from a button that became
 * disabled). The caller focuses the first control.
 */
export function useModal(ref: { current: HTMLElement | null }, onCancel: () => void): void {
  const latest = useRef(onCancel);
  latest.current = onCancel;
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    function onKeyDown(e: KeyboardEvent) {
      const box = ref.current;
      if (!box) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        latest.current();
        return;
      }
      if (e.key !== 'Tab') return;
      const items = focusables(box);
      e.preventDefault();
      if (items.length === 0) return;
      const i = items.indexOf(document.activeElement as HTMLElement);
      const next = i < 0 ? 0 : (i + (e.shiftKey ? items.length - 1 : 1)) % items.length;
      items[next].focus();
    }
    document.addEventListener('keydown', onKeyDown, true);
    return () => {
      document.removeEventListener('keydown', onKeyDown, true);
      // Give focus back where it was, if that is still on the page.
      if (before && before.isConnected) before.focus();
    };
  }, []);
}
