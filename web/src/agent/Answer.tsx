// What an offer and an invitation share: the time left to answer, and
// Accept / Reject.

import { useTexts } from './hooks';
import { fmt } from './texts';
import { countdown } from './format';
import type { Tab } from './state';

export interface AnswerProps {
  tab: Tab;
  now: number;
  /** Prefixes the countdown label's id, unique per kind of panel. */
  idPrefix: string;
  /** the accept shortcut (Alt+Shift+N) answers this request: say so. */
  shortcut?: boolean;
  onAccept: () => void;
  onReject: () => void;
}

export function Answer({ tab, now, idPrefix, shortcut, onAccept, onReject }: AnswerProps) {
  const t = useTexts();
  const cd = countdown(tab.expiresAt, tab.offeredAt, Math.max(now, Date.now())); // now may be up to a tick old
  const labelId = `${idPrefix}-left-${tab.id}`;
  return (
    <>
      {tab.expiresAt && (
        <div class={cd.secondsLeft <= 10 ? 'countdown urgent' : 'countdown'}>
          <span id={labelId}>{t.timeLeft}</span>
          <span class="num">{cd.text}</span>
          <progress aria-labelledby={labelId} aria-valuetext={cd.text} max={100} value={Math.round(cd.fraction * 100)} />
        </div>
      )}
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={tab.answering}
          aria-keyshortcuts={shortcut ? t.acceptShortcut : undefined}
          onClick={onAccept}
        >
          {t.accept}
        </button>
        <button type="button" disabled={tab.answering} onClick={onReject}>
          {t.reject}
        </button>
      </div>
      {shortcut && (
        <p class="shortcut-hint">
          {fmt(t.acceptNewest, {})}: <kbd>{t.acceptShortcut}</kbd>
        </p>
      )}
    </>
  );
}
