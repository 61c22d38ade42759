// The start view: optional name, the queue (chosen or fixed), and "Start
// chat". Starting creates the customer once (the token is kept in the frame's
// localStorage) and then the conversation.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { Queue } from '../common/protocol';
import { ApiFailure, type Api } from './api';
import type { Config } from './config';
import { keys, type KeyValue } from './storage';
import type { Texts } from './texts';
import { asLang, locale as localeOf } from '../common/language';

interface Props {
  t: Texts;
  cfg: Config;
  api: Api;
  storage: KeyValue;
  /** A note to show above the form, such as "your previous chat is gone". */
  notice?: string;
  /** the panel is shown in the host page: the first field takes the focus as soon as it is there. */
  autoFocus?: boolean;
  onStarted: (conversationId: string, token: string) => void;
  /** identify has the host page's identity token verified for the customer of token (R6) and returns the token to go on with. */
  identify?: (token: string) => Promise<string>;
  /** visitorName fills in the name (the page's Skranke('set')); the visitor may change it. */
  visitorName?: string;
}

/** queueRefreshMs is how often the start view refreshes agentsOnline. */
const queueRefreshMs = 30000;

/** isOpen reports whether a queue takes new chats now (an older server says nothing: open). */
export function isOpen(q: Queue): boolean {
  return q.open !== false;
}

/** formatOpening says when a closed queue opens, in the customer's time: "Monday 08:00". */
export function formatOpening(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const locale = localeOf(asLang(lang) ?? 'en');
  const sameDay = new Date().toDateString() === d.toDateString();
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (sameDay) return time;
  return `${d.toLocaleDateString(locale, { weekday: 'long' })} ${time}`;
}

/** pickQueues keeps the server's queues that the site asked for, in the site's order. */
export function pickQueues(all: Queue[], wanted: string[]): Queue[] {
  if (wanted.length === 0) return all;
  const out: Queue[] = [];
  for (const id of wanted) {
    const q = all.find((x) => x.id === id);
    if (q) out.push(q);
  }
  return out;
}

/** customerToken returns the customer's token, made once and kept. */
async function customerToken(api: Api, storage: KeyValue): Promise<string> {
  let token = storage.getItem(keys.token);
  if (!token) {
    token = await api.newCustomer();
    storage.setItem(keys.token, token);
  }
  return token;
}

export function StartView({ t, cfg, api, storage, notice, autoFocus, onStarted, identify, visitorName }: Props) {
  const [queues, setQueues] = useState<Queue[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [queueId, setQueueId] = useState('');
  const [name, setName] = useState(visitorName ?? '');
  useEffect(() => {
    if (visitorName) setName((n) => n || visitorName);
  }, [visitorName]);
  const [phone, setPhone] = useState('');
  // Secure chat (R6): whether the customer is verified, whether the
  // organisation has an OpenID provider to sign in with, and a sign-in
  // under way in its own window.
  const [verified, setVerified] = useState(false);
  const [secureChat, setSecureChat] = useState(false);
  const [signingIn, setSigningIn] = useState(false);
  useEffect(() => {
    api.options().then((o) => setSecureChat(o.secureChat), () => {});
    const token = storage.getItem(keys.token);
    if (token) api.details(token).then((d) => setVerified(!!d.subject), () => {});
  }, []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  // The form appears once the queues are loaded, after the panel was
  // shown: the first field takes the focus then, every time.
  const formShown = queues !== null && queues.length > 0;
  useEffect(() => {
    if (autoFocus && formShown) nameRef.current?.focus();
  }, [autoFocus, formShown]);

  useEffect(() => {
    let live = true;
    const load = () =>
      api.queues().then(
        (all) => {
          if (!live) return;
          const qs = pickQueues(all, cfg.queues);
          setQueues(qs);
          setLoadError(null);
          // Keep the choice; otherwise the first queue that is open.
          setQueueId((cur) => (qs.some((q) => q.id === cur) ? cur : ((qs.find(isOpen) ?? qs[0])?.id ?? '')));
        },
        (err: unknown) => {
          if (live) setLoadError(err instanceof Error ? err.message : t.loadError);
        },
      );
    load();
    // Refresh now and then, and when the queue opens or closes.
    const timer = setInterval(load, queueRefreshMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [reload, cfg.queues.join(','), cfg.fixed]);

  const start = async (e: Event) => {
    e.preventDefault();
    if (busy || !queueId || cfg.preview) return;
    setBusy(true);
    setError(null);
    try {
      let token = await customerToken(api, storage);
      // The page's identity token first, so that the chat starts verified
      // (a refusal is told to the page's console, and the chat starts
      // unverified); then what the customer typed, unverified.
      if (identify) token = await identify(token);
      if (phone.trim()) await api.setDetails(token, { phone: phone.trim() });
      let conv;
      try {
        conv = await api.startConversation(token, queueId, name);
      } catch (err) {
        // The server forgot the customer (data deleted, new database): start over once.
        if (!(err instanceof ApiFailure && err.code === 'unauthenticated')) throw err;
        storage.removeItem(keys.token);
        token = await api.newCustomer();
        storage.setItem(keys.token, token);
        conv = await api.startConversation(token, queueId, name);
      }
      storage.setItem(keys.conversation, conv.id);
      onStarted(conv.id, token);
    } catch (err) {
      setError(err instanceof Error ? err.message : t.loadError);
      setBusy(false);
    }
  };

  const chosen = queues?.find((q) => q.id === queueId);
  const closed = chosen !== undefined && !isOpen(chosen);
  // A page that vouches for its customer (identify) has it verified at the
  // start; otherwise a queue that requires it waits for the sign-in.
  const mustSignIn = !!chosen?.requiresVerification && !verified && !identify;

  /** signIn sends the customer to the organisation's OpenID provider in a window of its own, and waits until they are verified. */
  const signIn = async () => {
    if (signingIn) return;
    // Opened at once, in the click, so that the browser allows it.
    const win = window.open('', 'skranke-sign-in', 'popup,width=520,height=680');
    setSigningIn(true);
    setError(null);
    try {
      const token = await customerToken(api, storage);
      const url = await api.secureChat(token);
      if (win) win.location.href = url;
      else window.open(url, '_blank');
      const timer = setInterval(() => {
        api.details(token).then(
          (d) => {
            if (d.subject) {
              clearInterval(timer);
              setVerified(true);
              setSigningIn(false);
            } else if (win && win.closed) {
              clearInterval(timer);
              setSigningIn(false);
            }
          },
          () => {},
        );
      }, 1000);
    } catch (err) {
      win?.close();
      setSigningIn(false);
      setError(err instanceof Error ? err.message : t.loadError);
    }
  };

  return (
    <div class="sk-start">
      {cfg.preview && <p class="sk-notice sk-preview">{t.preview}</p>}
      <p class="sk-intro">{cfg.greeting ?? t.intro}</p>
      {notice && <p class="sk-notice">{notice}</p>}
      {queues === null && !loadError && (
        <p class="sk-muted" role="status">
          {t.loading}
        </p>
      )}
      {loadError && (
        <div class="sk-error" role="alert">
          <p>{loadError}</p>
          <button type="button" class="sk-button sk-secondary" onClick={() => setReload((n) => n + 1)}>
            {t.retry}
          </button>
        </div>
      )}
      {queues !== null && queues.length === 0 && (
        <p class="sk-notice" role="status">
          {t.noQueues}
        </p>
      )}
      {queues !== null && queues.length > 0 && (
        <form class="sk-form" onSubmit={start}>
          <label class="sk-field">
            <span>{t.nameLabel}</span>
            <input
              type="text"
              name="name"
              autocomplete="name"
              maxLength={100}
              value={name}
              ref={nameRef}
              data-autofocus
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </label>
          <label class="sk-field">
            <span>{t.phoneLabel}</span>
            <input
              type="tel"
              name="phone"
              autocomplete="tel"
              maxLength={40}
              value={phone}
              onInput={(e) => setPhone(e.currentTarget.value)}
            />
          </label>
          {queues.length > 1 && !cfg.fixed ? (
            <fieldset class="sk-queues">
              <legend>{t.queueLabel}</legend>
              {queues.map((q) => (
                <label key={q.id} class={isOpen(q) ? 'sk-radio' : 'sk-radio sk-closed'}>
                  <input
                    type="radio"
                    name="queue"
                    value={q.id}
                    checked={q.id === queueId}
                    onChange={() => setQueueId(q.id)}
                  />
                  <span>{cfg.names[q.id] ?? q.name}</span>
                  {!isOpen(q) && <span class="sk-tag">{t.closed}</span>}
                </label>
              ))}
            </fieldset>
          ) : (
            <p class="sk-fixed">{t.queueFixed(cfg.names[queues[0].id] ?? queues[0].name)}</p>
          )}
          {closed && chosen && (
            <div class="sk-notice sk-closed-text" role="status">
              <p>{chosen.closedText || t.closedNow(chosen.name)}</p>
              {chosen.until && <p>{t.opensAt(formatOpening(chosen.until, cfg.lang))}</p>}
            </div>
          )}
          {chosen?.requiresVerification && !closed && (
            <div class="sk-notice" role="status">
              {verified ? (
                <p>{t.signedIn}</p>
              ) : identify ? null : secureChat ? (
                <>
                  <p>{t.signInNeeded}</p>
                  <button type="button" class="sk-button sk-secondary" disabled={signingIn} onClick={() => void signIn()}>
                    {signingIn ? t.signingIn : t.signIn}
                  </button>
                </>
              ) : (
                <p>{t.signInNeededByPage}</p>
              )}
            </div>
          )}
          {!closed && chosen && chosen.agentsOnline === 0 && (
            <p class="sk-notice" role="status">
              {t.noAgents}
            </p>
          )}
          {error && (
            <p class="sk-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="sk-button sk-primary" disabled={busy || closed || mustSignIn}>
            {busy ? t.starting : t.startChat}
          </button>
        </form>
      )}
    </div>
  );
}
