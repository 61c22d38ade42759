// The "are you sure?" before ending a chat whose customer is still there
// (R7), and before leaving a chat (R10). Focus moves into the dialog and
// stays there; Escape cancels.

import { useEffect, useRef } from 'preact/hooks';
import { useModal, useTexts } from './hooks';

export interface ConfirmDialogProps {
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  /** Texts; by default those for ending a chat. */
  title?: string;
  text?: string;
  confirmLabel?: string;
  busyLabel?: string;
}

export function ConfirmDialog({ busy, onConfirm, onCancel, title, text, confirmLabel, busyLabel }: ConfirmDialogProps) {
  const t = useTexts();
  const ref = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useModal(ref, onCancel);
  useEffect(() => cancelRef.current?.focus(), []);

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
        <h2 id="confirm-title">{title ?? t.confirmTitle}</h2>
        <p id="confirm-text">{text ?? t.confirmText}</p>
        <div class="actions">
          <button type="button" class="danger" disabled={busy} onClick={onConfirm}>
            {busy ? (busyLabel ?? t.ending) : (confirmLabel ?? t.endChat)}
          </button>
          <button type="button" ref={cancelRef} onClick={onCancel}>
            {t.cancel}
          </button>
        </div>
      </div>
    </div>
  );
}
