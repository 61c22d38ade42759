// Predefined messages in a chat (R8): the list of those for the chat, as a
// listbox that both ways of opening it share. The button beside the input
// opens it with a search box; "/" at the start of the input opens it
// inline, filtered by what follows. Arrow keys move, Enter or a click puts
// the text into the input (it does not send), Escape closes. Recently used
// ones come first.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useErrorText, useTexts } from './hooks';
import { fmt } from './texts';
import type { Texts } from './texts';
import type { PredefinedText } from '../common/protocol';
import { loadRecent, pick, remember, saveRecent } from './predefined';

/** usePredefined loads a chat's predefined messages when first wanted, and keeps the agent's recently used ones. */
export function usePredefined(load: () => Promise<PredefinedText[]>, userId: string | undefined) {
  const [list, setList] = useState<PredefinedText[]>();
  const [error, setError] = useState('');
  const [recent, setRecent] = useState<string[]>(() => (userId ? loadRecent(localStorage, userId) : []));
  const errorText = useErrorText();
  const loading = useRef(false);
  return {
    list,
    error,
    recent,
    /** ensure loads the list (again, so that a change by the administrator shows). */
    ensure() {
      if (loading.current) return;
      loading.current = true;
      load()
        .then((l) => {
          setList(l);
          setError('');
        })
        .catch((err: unknown) => setError(errorText(err)))
        .finally(() => (loading.current = false));
    },
    used(id: string) {
      const r = remember(recent, id);
      setRecent(r);
      if (userId) saveRecent(localStorage, userId, r);
    },
  };
}

/** gapText tells the agent which placeholders were left empty, or '' for none. */
export function gapText(missing: string[], t: Texts): string {
  if (missing.length === 0) return '';
  const names = missing.map((m) => (m === 'customer.name' ? t.phCustomer : m === 'agent.name' ? t.phAgent : t.phQueue));
  return fmt(t.predefinedGap, { names: names.join(', ') });
}

export interface PredefinedListProps {
  id: string;
  items: PredefinedText[] | undefined;
  error: string;
  active: number;
  onPick: (m: PredefinedText) => void;
  onHover: (i: number) => void;
}

/** PredefinedList is the listbox of matching messages; the input that drives it points at it with aria-activedescendant. */
export function PredefinedList({ id, items, error, active, onPick, onHover }: PredefinedListProps) {
  const t = useTexts();
  const ref = useRef<HTMLUListElement>(null);
  useEffect(() => {
    document.getElementById(`${id}-opt-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, items]);
  if (error) return <p class="predef-empty" role="alert">{error}</p>;
  if (!items) return <p class="predef-empty">{t.loading}</p>;
  if (items.length === 0) return <p class="predef-empty" role="status">{t.predefinedNone}</p>;
  return (
    <ul class="predef-list" role="listbox" id={id} aria-label={t.predefinedMessages} ref={ref}>
      {items.map((m, i) => (
        <li
          key={m.id}
          id={`${id}-opt-${i}`}
          role="option"
          aria-selected={i === active}
          class={i === active ? 'active' : undefined}
          // mousedown, not click: the input keeps the focus.
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(m);
          }}
          onMouseMove={() => onHover(i)}
        >
          <span class="predef-title">{m.title}</span>
          {(m.category || m.personal) && <span class="predef-cat">{m.personal ? t.predefinedPersonal : m.category}</span>}
          <span class="predef-text">{m.text}</span>
        </li>
      ))}
    </ul>
  );
}

/** listKeys moves the active option with the arrow keys; it reports whether it used the key. */
export function listKeys(e: KeyboardEvent, count: number, active: number, setActive: (i: number) => void): boolean {
  if (count === 0) return false;
  switch (e.key) {
    case 'ArrowDown':
      setActive((active + 1) % count);
      return true;
    case 'ArrowUp':
      setActive((active - 1 + count) % count);
      return true;
    case 'Home':
      setActive(0);
      return true;
    case 'End':
      setActive(count - 1);
      return true;
  }
  return false;
}

export interface PredefinedPopupProps {
  id: string;
  list: PredefinedText[] | undefined;
  error: string;
  recent: string[];
  onPick: (m: PredefinedText) => void;
  onClose: () => void;
  /** keeps a new message of the agent's own; rejects with the server's refusal. */
  onCreateOwn: (title: string, text: string) => Promise<void>;
  onDeleteOwn: (id: string) => Promise<void>;
}

/** PredefinedPopup is the list the button opens: a search box over the listbox. */
export function PredefinedPopup({ id, list, error, recent, onPick, onClose, onCreateOwn, onDeleteOwn }: PredefinedPopupProps) {
  const t = useTexts();
  const errorText = useErrorText();
  const [ownTitle, setOwnTitle] = useState('');
  const [ownText, setOwnText] = useState('');
  const [ownError, setOwnError] = useState('');
  const [ownBusy, setOwnBusy] = useState(false);
  async function createOwn(e: Event) {
    e.preventDefault();
    if (ownBusy) return;
    setOwnBusy(true);
    setOwnError('');
    try {
      await onCreateOwn(ownTitle, ownText);
      setOwnTitle('');
      setOwnText('');
      search.current?.focus();
    } catch (err) {
      setOwnError(errorText(err));
    } finally {
      setOwnBusy(false);
    }
  }
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => search.current?.focus(), []);
  const items = list && pick(list, query, recent);
  const listId = `${id}-list`;
  const current = items?.[active];
  return (
    <div
      class="predef-popup"
      role="dialog"
      aria-label={t.predefinedMessages}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        onClose();
      }}
    >
      <label for={`${id}-search`} class="visually-hidden">
        {t.predefinedSearch}
      </label>
      <input
        id={`${id}-search`}
        ref={search}
        type="text"
        role="combobox"
        list={undefined}
        aria-expanded="true"
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={items && items.length > 0 ? `${listId}-opt-${active}` : undefined}
        placeholder={t.predefinedSearch}
        value={query}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (listKeys(e, items?.length ?? 0, active, setActive)) return e.preventDefault();
          if (e.key === 'Enter' && items && items[active]) {
            e.preventDefault();
            onPick(items[active]);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
        onBlur={(e) => {
          // Leaving the popup closes it.
          const next = e.relatedTarget as Node | null;
          if (!next || !e.currentTarget.parentElement?.contains(next)) onClose();
        }}
      />
      <PredefinedList id={listId} items={items} error={error} active={active} onPick={onPick} onHover={setActive} />
      {current?.personal && (
        <button type="button" class="small predef-delete" onClick={() => void onDeleteOwn(current.id).then(() => search.current?.focus())}>
          {fmt(t.predefinedDeleteOwn, { title: current.title })}
        </button>
      )}
      <details class="predef-own">
        <summary>{t.predefinedAddOwn}</summary>
        <form onSubmit={createOwn}>
          <label for={`${id}-own-title`}>{t.predefinedOwnTitle}</label>
          <input id={`${id}-own-title`} type="text" maxLength={100} value={ownTitle} onInput={(e) => setOwnTitle(e.currentTarget.value)} />
          <label for={`${id}-own-text`}>{t.predefinedOwnText}</label>
          <textarea id={`${id}-own-text`} rows={3} maxLength={5000} value={ownText} onInput={(e) => setOwnText(e.currentTarget.value)} />
          <p class="form-error" role="alert">
            {ownError}
          </p>
          <button type="submit" class="small primary" disabled={ownBusy}>
            {t.predefinedSaveOwn}
          </button>
        </form>
      </details>
    </div>
  );
}
