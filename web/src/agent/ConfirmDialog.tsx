// The "are you sure?" before ending a chat whose customer is still there
// (R7). Focus moves into the dialog and stays there; Escape cancels.

import { useEffect, useRef } from 'preact/hooks';
import { useTexts } from './hooks';

export interface ConfirmDialogProps {
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ busy, onConfirm, onCancel }: ConfirmDialogProps) {
  const t = useTexts();
  const ref = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    cancelRef.current?.focus();
    return () => {
      // Give focus back where it was, if that is still on the page.
      if (before && before.isConnected) before.focus();
    };
  }, []);

  // Keys are handled on the document, so the trap holds even when focus has
  // slipped out (for example from a button that became disabled).
  const latest = useRef({ onCancel });
  latest.current = { onCancel };
  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      const box = ref.current;
      if (!box) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        latest.current.onCancel();
        return;
      }
      if (e.key !== 'Tab') return;
      const items = Array.from(box.querySelectorAll<HTMLElement>('button:not([disabled])'));
      e.preventDefault();
      if (items.length === 0) return;
      const i = items.indexOf(document.activeElement as HTMLElement);
      const next = i < 0 ? 0 : (i + (e.shiftKey ? items.length - 1 : 1)) % items.length;
      items[next].focus();
    }
    document.addEventListener('keydown', onKeyDown, true);
    return () => document.removeEventListener('keydown', onKeyDown, true);
  }, []);

  return (
    <div class="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div
        class="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-text"
        ref={ref}
      >
        <h2 id="confirm-title">{t.confirmTitle}</h2>
        <p id="confirm-text">{t.confirmText}</p>
        <div class="actions">
          <button type="button" class="danger" disabled={busy} onClick={onConfirm}>
            {busy ? t.ending : t.endChat}
          </button>
          <button type="button" ref={cancelRef} onClick={onCancel}>
            {t.cancel}
          </button>
        </div>
      </div>
    </div>
  );
}
