// Hooks shared by the agent desktop's components.

import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { en } from './texts';
import type { Texts } from './texts';
import type { AgentClient } from './client';
import type { DesktopState } from './state';
import type { Lang } from '../common/language';
import { errorText, type ReasonTexts } from '../common/errors';

/** TextsContext carries the chosen language's dictionary. */
export const TextsContext = createContext<Texts>(en);

export function useTexts(): Texts {
  return useContext(TextsContext);
}

/** LanguageContext carries the language shown and how to choose another; undefined where there is no choice. */
export const LanguageContext = createContext<{ lang: Lang; onLanguage: (l: Lang) => void } | undefined>(undefined);

export function useLanguage(): { lang: Lang; onLanguage: (l: Lang) => void } | undefined {
  return useContext(LanguageContext);
}

/** ReasonsContext carries the chosen language's texts for server errors (texts.ts, reasonTexts). */
export const ReasonsContext = createContext<ReasonTexts>({});

/** useErrorText gives the text to show for an error: see common/errors.ts. */
export function useErrorText(): (err: unknown, fallback?: string) => string {
  const reasons = useContext(ReasonsContext);
  return (err, fallback) => errorText(err, reasons, fallback);
}

/** useNow gives the current time, refreshed every `everyMs`. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** useDesktop re-renders on every change of the client's state. */
export function useDesktop(client: AgentClient): DesktopState {
  const [state, setState] = useState(client.state);
  useEffect(() => {
    setState(client.state);
    return client.subscribe(() => setState(client.state));
  }, [client]);
  return state;
}

// The modal dialog's focus handling is shared with the admin pages.
export { focusables, useModal } from '../common/modal';
