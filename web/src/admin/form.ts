// Validation of the admin forms. The server checks everything again and
// its errors name the field (params.field), so both end up beside the
// field; these checks only answer sooner, with the same rules.

import { ApiRequestError } from '../common/rest';
import { fmt, type ReasonKey, type Texts } from './texts';

/** Errors are field messages by field name. */
export type Errors = Record<string, string>;

/** ErrorInfo is what a form shows of a failed request. */
export interface ErrorInfo {
  /** The field the error is about, if any (params.field). */
  field?: string;
  message: string;
  /** The record changed meanwhile (reason stale_version): offer to reload. */
  stale: boolean;
}

/** errorInfo describes a failed request in the page's language. */
export function errorInfo(err: unknown, t: Texts, reasons: Record<ReasonKey, string>): ErrorInfo {
  if (!(err instanceof ApiRequestError)) {
    return { message: err instanceof Error && err.message ? err.message : t.loadFailed, stale: false };
  }
  const field = typeof err.params.field === 'string' ? err.params.field : undefined;
  const text = err.reason && err.reason in reasons ? fmt(reasons[err.reason as ReasonKey], err.params) : err.message;
  return { field, message: text, stale: err.reason === 'stale_version' || err.reason === 'evaluation_changed' };
}

/** firstInvalid focuses the first field with an error (by its data-field), after a render. */
export function focusFirstInvalid(form: HTMLElement | null, errors: Errors): void {
  const names = Object.keys(errors);
  if (!form || names.length === 0) return;
  setTimeout(() => {
    for (const el of Array.from(form.querySelectorAll<HTMLElement>('[data-field]'))) {
      if (names.includes(el.dataset.field ?? '')) {
        el.focus();
        return;
      }
    }
  }, 0);
}

const idPattern = /^[a-z0-9][a-z0-9_-]*$/;
const usernamePattern = /^[a-z0-9][a-z0-9._@+-]*$/;
const hexPattern = /^#[0-9a-fA-F]{6}$/;

/** Check returns the message of the first rule a value breaks, or undefined. */
export const check = {
  name(t: Texts, r: Record<ReasonKey, string>, v: string, max = 80): string | undefined {
    if (!v.trim()) return t.required;
    if (v !== v.trim()) return r.surrounding_space;
    if ([...v].length > max) return fmt(r.too_long, { max });
    return undefined;
  },
  text(r: Record<ReasonKey, string>, v: string, max: number): string | undefined {
    return [...v].length > max ? fmt(r.too_long, { max }) : undefined;
  },
  id(t: Texts, r: Record<ReasonKey, string>, v: string): string | undefined {
    if (!v) return t.required;
    if (v.length > 40 || !idPattern.test(v)) return fmt(r.id_invalid, { max: 40 });
    return undefined;
  },
  username(t: Texts, r: Record<ReasonKey, string>, v: string): string | undefined {
    if (!v) return t.required;
    if (v.length > 64 || !usernamePattern.test(v.toLowerCase())) return r.username_invalid;
    return undefined;
  },
  password(t: Texts, r: Record<ReasonKey, string>, v: string): string | undefined {
    if (!v) return t.required;
    if ([...v].length < 8) return fmt(r.password_too_short, { min: 8 });
    if (new TextEncoder().encode(v).length > 72) return fmt(r.password_too_long, { max: 72 });
    return undefined;
  },
  range(r: Record<ReasonKey, string>, v: number, min: number, max: number): string | undefined {
    return Number.isInteger(v) && v >= min && v <= max ? undefined : fmt(r.out_of_range, { min, max });
  },
  color(r: Record<ReasonKey, string>, v: string): string | undefined {
    return hexPattern.test(v) ? undefined : r.color_invalid;
  },
};

/** contrastRatio is the WCAG 2 contrast of two #rrggbb colours (1 when either is not one), as the server computes it. */
export function contrastRatio(a: string, b: string): number {
  const lum = (c: string) => {
    if (!hexPattern.test(c)) return undefined;
    const ch = [1, 3, 5].map((i) => {
      const s = parseInt(c.slice(i, i + 2), 16) / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  const la = lum(a);
  const lb = lum(b);
  if (la === undefined || lb === undefined) return 1;
  const [hi, lo] = la > lb ? [la, lb] : [lb, la];
  return (hi + 0.05) / (lo + 0.05);
}

/** slug makes an id from a name: "Billing & Accounts" → "billing-accounts". */
export function slug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/å/g, 'a')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}
