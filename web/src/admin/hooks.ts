// Hooks and formatting the admin pages share.

import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useAdmin } from './context';
import { errorInfo, focusFirstInvalid, type Errors } from './form';
import type { Lang } from './texts';

/** Loaded is a page's data as it loads. */
export interface Loaded<T> {
  data?: T;
  error?: string;
  reload: () => void;
}

/** useLoad loads a page's data, and again on reload. */
export function useLoad<T>(load: () => Promise<T>): Loaded<T> {
  const { t, reasons } = useAdmin();
  const [n, setN] = useState(0);
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setError(undefined);
    load().then(
      (d) => live && setData(d),
      (err: unknown) => live && setError(errorInfo(err, t, reasons).message),
    );
    return () => {
      live = false;
    };
  }, [n]);
  return { data, error, reload: () => setN((x) => x + 1) };
}

/** Banner is what a form says above its fields. */
export interface Banner {
  error?: string;
  stale?: boolean;
  invalid?: boolean;
  saved?: boolean;
}

/** FormState is a form's errors: beside each field, and above the form. */
export interface FormState {
  errors: Errors;
  banner: Banner;
  setBanner: (b: Banner) => void;
  /** check shows errs beside their fields, focusing the first, and reports whether there are none. */
  check: (errs: Errors) => boolean;
  /** fail shows a failed request beside its field (named by field, mapped by toField), or above the form. */
  fail: (err: unknown, toField?: (f: string) => string) => void;
  reset: () => void;
}

/** useFormState keeps the errors of the form in ref. */
export function useFormState(ref: RefObject<HTMLFormElement | null>): FormState {
  const { t, reasons } = useAdmin();
  const [errors, setErrors] = useState<Errors>({});
  const [banner, setBanner] = useState<Banner>({});
  const show = (errs: Errors) => {
    setErrors(errs);
    setBanner({ invalid: true });
    focusFirstInvalid(ref.current, errs);
  };
  return {
    errors,
    banner,
    setBanner,
    check(errs) {
      if (Object.keys(errs).length === 0) {
        setErrors({});
        setBanner({});
        return true;
      }
      show(errs);
      return false;
    },
    fail(err, toField = (f) => f) {
      const info = errorInfo(err, t, reasons);
      if (info.field) show({ [toField(info.field)]: info.message });
      else setBanner({ error: info.stale ? undefined : info.message, stale: info.stale });
    },
    reset() {
      setErrors({});
      setBanner({});
    },
  };
}

/** dayStart is the start of a date ("2026-12-01") in the reader's time zone as an RFC 3339 time, or of the day after it (end); undefined for no date. */
export function dayStart(date: string, end = false): string | undefined {
  if (!date) return undefined;
  const x = new Date(`${date}T00:00:00`);
  if (Number.isNaN(x.getTime())) return undefined;
  if (end) x.setDate(x.getDate() + 1);
  return x.toISOString();
}

function locale(lang: Lang): string {
  return lang === 'nb' ? 'nb-NO' : 'en-GB';
}

/** formatDateTime is a date and time in the reader's time zone: "25 Nov 2026, 10:04". */
export function formatDateTime(iso: string | undefined, lang: Lang): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(locale(lang), { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** formatTime is a time of day with seconds: "10:04:31". */
export function formatTime(iso: string | undefined, lang: Lang): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleTimeString(locale(lang), { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** formatDay is a date: "25 Nov 2026". */
export function formatDay(iso: string | undefined, lang: Lang): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleDateString(locale(lang), { day: 'numeric', month: 'short', year: 'numeric' });
}

/** formatWhen is a moment in the coming days: "16:00" today, "Monday 08:00" later. */
export function formatWhen(iso: string | undefined, lang: Lang, now = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const time = d.toLocaleTimeString(locale(lang), { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return time;
  const days = (d.getTime() - now.getTime()) / 86400000;
  if (days > 0 && days < 6) return `${d.toLocaleDateString(locale(lang), { weekday: 'long' })} ${time}`;
  return `${d.toLocaleDateString(locale(lang), { day: 'numeric', month: 'short' })} ${time}`;
}
