// Hooks and formatting the admin pages share.

import { useEffect, useState } from 'preact/hooks';
import { useAdmin } from './context';
import { errorInfo } from './form';
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
