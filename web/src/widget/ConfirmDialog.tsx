// An in-page confirmation dialog (role="alertdialog"): focus starts on the
// confirming button, Tab cycles between its two buttons, Escape cancels, and
// focus returns to where it was when the dialog closes.

import { useEffect, useRef } from 'preact/hooks';
import type { TargetedKeyboardEvent } from 'preact';

interface Props {
  title: string;
  text: string;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog(p: Props) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    confirmRef.current?.focus();
    return () => before?.focus?.();
  }, []);

  const onKeyDown = (e: TargetedKeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation(); // Escape here cancels the dialog, not the panel.
      p.onCancel();
    } else if (e.key === 'Tab') {
      e.preventDefault();
      const next = document.activeElement === confirmRef.current ? cancelRef.current : confirmRef.current;
      next?.focus();
    }
  };

  return (
    <div class="sk-backdrop">
      <div
        class="sk-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="sk-dialog-title"
        aria-describedby="sk-dialog-text"
        onKeyDown={onKeyDown}
      >
        <h2 id="sk-dialog-title">{p.title}</h2>
        <p id="sk-dialog-text">{p.text}</p>
        <div class="sk-dialog-buttons">
          <button type="button" ref={confirmRef} class="sk-button sk-danger" onClick={p.onConfirm}>
            {p.confirmLabel}
          </button>
          <button type="button" ref={cancelRef} class="sk-button sk-secondary" onClick={p.onCancel}>
            {p.cancelLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
