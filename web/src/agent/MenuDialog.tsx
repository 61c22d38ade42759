// The "Offer choices" dialog (R9): a question and 2 to 10 options, which
// the customer sees as buttons. Options are added and removed in place;
// the server has the last word on what a menu may be, and its refusal is
// shown in the dialog, beside the field it names when it names one.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useErrorText, useModal, useTexts } from './hooks';
import { fmt } from './texts';
import type { SavedMenu } from '../common/protocol';

/** Limits of a menu, as the server keeps them (chat/menu.go). */
export const minOptions = 2;
export const maxOptions = 10;
export const maxQuestion = 500;
export const maxOption = 100;

/** MenuDraft is what the dialog sends: the question and the options' labels. */
export interface MenuDraft {
  question: string;
  options: { id?: string; label: string }[];
  /** the saved menu it was made from, if any. */
  savedMenuId?: string;
}

/** menuProblem says what keeps a draft from being sent ('' for nothing), before the server is asked. */
export function menuProblem(d: MenuDraft, t: { menuNeedsQuestion: string; menuNeedsOptions: string }): string {
  if (!d.question.trim()) return t.menuNeedsQuestion;
  if (d.options.filter((o) => o.label.trim()).length < minOptions) return t.menuNeedsOptions;
  return '';
}

export interface MenuDialogProps {
  tab: { id: string };
  customer: string;
  /** loads the administrator's saved menus, to start from one. */
  loadSaved: () => Promise<SavedMenu[]>;
  onSend: (d: MenuDraft) => Promise<void>;
  onClose: () => void;
}

export function MenuDialog({ tab, customer, loadSaved, onSend, onClose }: MenuDialogProps) {
  const t = useTexts();
  const errorText = useErrorText();
  const ref = useRef<HTMLDivElement>(null);
  const questionRef = useRef<HTMLTextAreaElement>(null);
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState<string[]>(['', '']);
  // A saved menu fills the form; its options keep their ids while unchanged.
  const [saved, setSaved] = useState<SavedMenu[]>([]);
  const [from, setFrom] = useState<SavedMenu>();
  useEffect(() => {
    loadSaved().then(setSaved, () => setSaved([]));
  }, []);
  const start = (id: string) => {
    const m = saved.find((x) => x.id === id);
    setFrom(m);
    setQuestion(m?.question ?? '');
    setOptions(m ? m.options.map((o) => o.label) : ['', '']);
  };
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [focusOption, setFocusOption] = useState<number>();
  useModal(ref, () => !busy && onClose());

  useEffect(() => questionRef.current?.focus(), []);
  // A new or removed option moves the focus where the agent goes on typing.
  useEffect(() => {
    if (focusOption === undefined) return;
    document.getElementById(`${id}-opt-${focusOption}`)?.focus();
    setFocusOption(undefined);
  }, [focusOption]);

  const id = `menu-${tab.id}`;
  const setOption = (i: number, v: string) => setOptions((os) => os.map((o, j) => (j === i ? v : o)));
  const add = () => {
    if (options.length >= maxOptions) return;
    setOptions((os) => [...os, '']);
    setFocusOption(options.length);
  };
  const remove = (i: number) => {
    if (options.length <= minOptions) return;
    setOptions((os) => os.filter((_, j) => j !== i));
    setFocusOption(Math.min(i, options.length - 2));
  };

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const labels = options.filter((o) => o.trim()).map((label) => label.trim());
    const draft: MenuDraft = {
      question: question.trim(),
      options: labels.map((label) => ({ label, id: from?.options.find((o) => o.label === label)?.id })),
      savedMenuId: from?.id,
    };
    const problem = menuProblem(draft, t);
    if (problem) return setError(problem);
    setBusy(true);
    setError('');
    try {
      await onSend(draft);
      onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <div class="backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <div class="dialog menu-dialog" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} aria-describedby={`${id}-hint`} ref={ref}>
        <h2 id={`${id}-title`}>{fmt(t.offerChoicesTo, { name: customer })}</h2>
        <p class="muted" id={`${id}-hint`}>
          {t.menuHint}
        </p>
        <form onSubmit={submit}>
          {saved.length > 0 && (
            <>
              <label class="note-label" for={`${id}-saved`}>
                {t.menuFromSaved}
              </label>
              <select id={`${id}-saved`} value={from?.id ?? ''} onChange={(e) => start(e.currentTarget.value)}>
                <option value="">{t.menuNew}</option>
                {saved.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            </>
          )}
          <label class="note-label" for={`${id}-question`}>
            {t.menuQuestion}
          </label>
          <textarea
            id={`${id}-question`}
            ref={questionRef}
            rows={2}
            maxLength={maxQuestion}
            value={question}
            onInput={(e) => setQuestion(e.currentTarget.value)}
          />
          <fieldset class="menu-options">
            <legend>{t.menuOptions}</legend>
            <ol>
              {options.map((o, i) => (
                <li key={i}>
                  <label for={`${id}-opt-${i}`} class="visually-hidden">
                    {fmt(t.menuOption, { n: i + 1 })}
                  </label>
                  <input
                    id={`${id}-opt-${i}`}
                    type="text"
                    maxLength={maxOption}
                    value={o}
                    placeholder={fmt(t.menuOption, { n: i + 1 })}
                    onInput={(e) => setOption(i, e.currentTarget.value)}
                    onKeyDown={(e) => {
                      // Enter in the last option adds the next one.
                      if (e.key === 'Enter' && i === options.length - 1 && options.length < maxOptions && o.trim()) {
                        e.preventDefault();
                        add();
                      }
                    }}
                  />
                  <button
                    type="button"
                    class="small"
                    aria-label={fmt(t.removeOption, { n: i + 1 })}
                    title={fmt(t.removeOption, { n: i + 1 })}
                    disabled={options.length <= minOptions}
                    onClick={() => remove(i)}
                  >
                    <span aria-hidden="true">×</span>
                  </button>
                </li>
              ))}
            </ol>
            <button type="button" class="small" disabled={options.length >= maxOptions} onClick={add}>
              {t.addOption}
            </button>
          </fieldset>
          <p class="form-error" role="alert">
            {error}
          </p>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {busy ? t.sending : t.sendMenu}
            </button>
            <button type="button" disabled={busy} onClick={onClose}>
              {t.cancel}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
