// The admin pages' building blocks: labelled fields with their hint and
// error beside them, a side panel for editing, a confirmation dialog,
// banners and page headings. Every control gets an accessible name from a
// visible label; errors are tied to their field by aria-describedby.

import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useModal } from '../common/modal';
import { useAdmin } from './context';

/** describedBy lists the ids of a field's hint and error, for aria-describedby. */
export function describedBy(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** fieldProps are the attributes that tie an input to its label, hint and error. */
export function fieldProps(id: string, name: string, hint?: string, error?: string) {
  return {
    id,
    'data-field': name,
    'aria-describedby': describedBy(id, hint, error),
    'aria-invalid': error ? (true as const) : undefined,
  };
}

interface FieldProps {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  optional?: boolean;
  children: ComponentChildren;
  class?: string;
}

/** Field is a label, its control, a hint and the field's error. */
export function Field({ id, label, hint, error, optional, children, class: cls }: FieldProps) {
  const { t } = useAdmin();
  return (
    <div class={`field${error ? ' invalid' : ''}${cls ? ' ' + cls : ''}`}>
      <label for={id}>
        {label}
        {optional && <span class="optional"> ({t.optional})</span>}
      </label>
      {children}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
    </div>
  );
}

interface TextFieldProps {
  id: string;
  name: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  hint?: string;
  error?: string;
  type?: 'text' | 'password';
  optional?: boolean;
  autoComplete?: string;
  multiline?: boolean;
  maxLength?: number;
  disabled?: boolean;
}

/** TextField is a labelled text input (or textarea). */
export function TextField(p: TextFieldProps) {
  const common = {
    ...fieldProps(p.id, p.name, p.hint, p.error),
    value: p.value,
    disabled: p.disabled,
    maxLength: p.maxLength,
  };
  return (
    <Field id={p.id} label={p.label} hint={p.hint} error={p.error} optional={p.optional}>
      {p.multiline ? (
        <textarea {...common} rows={3} onInput={(e) => p.onInput(e.currentTarget.value)} />
      ) : (
        <input {...common} type={(p.type ?? 'text') as 'text'} autoComplete={p.autoComplete ?? 'off'} onInput={(e) => p.onInput(e.currentTarget.value)} />
      )}
    </Field>
  );
}

interface NumberFieldProps {
  id: string;
  name: string;
  label: string;
  value: number;
  onInput: (v: number) => void;
  min: number;
  max: number;
  hint?: string;
  error?: string;
}

/** NumberField is a labelled whole-number input. */
export function NumberField(p: NumberFieldProps) {
  return (
    <Field id={p.id} label={p.label} hint={p.hint} error={p.error}>
      <input
        {...fieldProps(p.id, p.name, p.hint, p.error)}
        type="number"
        inputMode="numeric"
        min={p.min}
        max={p.max}
        step={1}
        value={Number.isNaN(p.value) ? '' : p.value}
        onInput={(e) => p.onInput(e.currentTarget.value === '' ? NaN : Number(e.currentTarget.value))}
      />
    </Field>
  );
}

interface CheckboxGroupProps {
  id: string;
  name: string;
  legend: string;
  options: { value: string; label: string }[];
  value: string[];
  onChange: (v: string[]) => void;
  hint?: string;
  error?: string;
  empty?: string;
}

/** CheckboxGroup is a fieldset of checkboxes; the value keeps the options' order. */
export function CheckboxGroup(p: CheckboxGroupProps) {
  const toggle = (v: string, on: boolean) => {
    const set = new Set(p.value);
    if (on) set.add(v);
    else set.delete(v);
    p.onChange(p.options.map((o) => o.value).filter((x) => set.has(x)));
  };
  return (
    <fieldset class={`field checks${p.error ? ' invalid' : ''}`} aria-describedby={describedBy(p.id, p.hint, p.error)}>
      <legend>{p.legend}</legend>
      {p.options.length === 0 && p.empty && <p class="hint">{p.empty}</p>}
      {p.options.map((o, i) => (
        <label key={o.value} class="check">
          <input
            type="checkbox"
            data-field={i === 0 ? p.name : undefined}
            checked={p.value.includes(o.value)}
            onChange={(e) => toggle(o.value, e.currentTarget.checked)}
          />
          <span>{o.label}</span>
        </label>
      ))}
      {p.hint && (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      )}
      {p.error && (
        <p class="field-error" id={`${p.id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {p.error}
        </p>
      )}
    </fieldset>
  );
}

interface PanelProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}

/**
 * Panel is the side panel where a record is created or edited: a modal
 * dialog (focus stays inside, Escape closes, the focus goes back to the
 * button that opened it). It focuses its first field.
 */
export function Panel({ title, onClose, children }: PanelProps) {
  const { t } = useAdmin();
  const box = useRef<HTMLDivElement>(null);
  useModal(box, onClose);
  useEffect(() => {
    const first = box.current?.querySelector<HTMLElement>('input:not([disabled]), select, textarea');
    (first ?? box.current?.querySelector<HTMLElement>('button'))?.focus();
  }, []);
  return (
    <div class="backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div class="panel" role="dialog" aria-modal="true" aria-labelledby="panel-title" ref={box}>
        <header class="panel-head">
          <h2 id="panel-title">{title}</h2>
          <button type="button" class="icon" aria-label={t.close} title={t.close} onClick={onClose}>
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d="M6 6l12 12M18 6L6 18" />
            </svg>
          </button>
        </header>
        <div class="panel-body">{children}</div>
      </div>
    </div>
  );
}

interface ConfirmProps {
  title: string;
  text: string;
  confirm: string;
  danger?: boolean;
  busy?: boolean;
  error?: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Confirm asks before a change that cannot be taken back lightly. */
export function Confirm(p: ConfirmProps) {
  const { t } = useAdmin();
  const box = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useModal(box, p.onCancel);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div class="backdrop confirm-backdrop">
      <div class="confirm" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-text" ref={box}>
        <h2 id="confirm-title">{p.title}</h2>
        <p id="confirm-text">{p.text}</p>
        {p.error && (
          <p class="banner error" role="alert">
            {p.error}
          </p>
        )}
        <div class="buttons">
          <button type="button" ref={cancel} onClick={p.onCancel}>
            {t.cancel}
          </button>
          <button type="button" class={p.danger ? 'danger' : 'primary'} disabled={p.busy} onClick={p.onConfirm}>
            {p.confirm}
          </button>
        </div>
      </div>
    </div>
  );
}

interface FormBannerProps {
  error?: string;
  stale?: boolean;
  invalid?: boolean;
  saved?: boolean;
  onReload?: () => void;
}

/** FormBanner says, above a form, what went wrong (or that it was saved). */
export function FormBanner({ error, stale, invalid, saved, onReload }: FormBannerProps) {
  const { t } = useAdmin();
  if (stale) {
    return (
      <div class="banner warning" role="alert">
        <p>{t.conflict}</p>
        {onReload && (
          <button type="button" onClick={onReload}>
            {t.reload}
          </button>
        )}
      </div>
    );
  }
  if (error) {
    return (
      <p class="banner error" role="alert">
        {error}
      </p>
    );
  }
  if (invalid) {
    return (
      <p class="banner error" role="alert">
        {t.checkFields}
      </p>
    );
  }
  if (saved) {
    return (
      <p class="banner ok" role="status">
        {t.saved}
      </p>
    );
  }
  return null;
}

interface PageHeaderProps {
  title: string;
  intro: string;
  action?: JSX.Element | false;
}

/** PageHeader is a page's heading, what it is for, and its main action. */
export function PageHeader({ title, intro, action }: PageHeaderProps) {
  return (
    <header class="page-head">
      <div>
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        <p class="intro">{intro}</p>
      </div>
      {action}
    </header>
  );
}

/** Loading is shown while a page's data comes. */
export function Loading() {
  const { t } = useAdmin();
  return (
    <p class="muted" role="status">
      {t.loading}
    </p>
  );
}

/** LoadError says a page's data could not be read, with a retry. */
export function LoadError({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useAdmin();
  return (
    <div class="banner error" role="alert">
      <p>{message}</p>
      <button type="button" onClick={onRetry}>
        {t.retry}
      </button>
    </div>
  );
}

interface ShownOnceProps {
  id: string;
  heading: string;
  label: string;
  value: string;
  onDone: () => void;
}

/** ShownOnce shows a secret the server gives only once (a token, a signing secret), with a copy button. */
export function ShownOnce({ id, heading, label, value, onDone }: ShownOnceProps) {
  const { t } = useAdmin();
  const [copied, setCopied] = useState(false);
  return (
    <section class="card highlight" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      <label for={id}>{label}</label>
      <div class="copy-row">
        <input id={id} class="code" readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false))}>
          {t.copy}
        </button>
        <span role="status" class="muted">
          {copied ? t.copied : ''}
        </span>
      </div>
      <div class="buttons start">
        <button type="button" class="primary" onClick={onDone}>
          {t.done}
        </button>
      </div>
    </section>
  );
}
