// The organisation's chat log (R15): every chat, found by words (in any
// message or private note) and filters, newest first, a page at a time;
// the words found are highlighted in the messages that hold them. A chat
// opens in full (ChatRecord.tsx). The list keeps its search while a chat is
// open, so "back to the list" finds it as it was left.

import { useEffect, useRef, useState } from 'preact/hooks';
import { chatLogCSV, type ChatLogFilter, type ChatLogItem, type Evaluation } from '../api';
import { Field, LoadError, PageHeader, SelectField } from '../components';
import { useAdmin } from '../context';
import { errorInfo } from '../form';
import { dayStart, formatDateTime, useLoad } from '../hooks';
import { customerLabel, duration } from '../record';
import { fmt, type Texts } from '../texts';
import { ChatRecordView, EvaluationBadge, Parts, PrivateMark, statusText } from './ChatRecord';

interface Draft {
  q: string;
  queue: string;
  agent: string;
  status: string;
  endedBy: string;
  private: string;
  from: string;
  to: string;
}

const emptyDraft: Draft = { q: '', queue: '', agent: '', status: '', endedBy: '', private: '', from: '', to: '' };

/** filterOf turns the form's values into the API's filter: dates are whole days in the reader's time zone. */
export function filterOf(d: Draft): ChatLogFilter {
  return {
    q: d.q.trim() || undefined,
    queue: d.queue || undefined,
    agent: d.agent || undefined,
    status: (d.status || undefined) as ChatLogFilter['status'],
    endedBy: (d.endedBy || undefined) as ChatLogFilter['endedBy'],
    private: (d.private || undefined) as ChatLogFilter['private'],
    from: dayStart(d.from),
    to: dayStart(d.to, true),
  };
}

/** wide reports whether the screen has room to show the filters open from the start. */
function wide(): boolean {
  return typeof matchMedia !== 'function' || matchMedia('(min-width: 700px)').matches;
}

/** pageSize is how many chats a page of the list shows. */
const pageSize = 25;

export function ChatLogPage({ chatId, seq }: { chatId?: string; seq?: string }) {
  const { t, reasons, api, me } = useAdmin();
  const directory = useLoad(() => api.me());
  // Only administrators may list the users; a supervisor filters by queue.
  const users = useLoad(() => (me?.role === 'admin' ? api.users() : Promise.resolve(undefined)));
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [filter, setFilter] = useState<ChatLogFilter>({});
  const [items, setItems] = useState<ChatLogItem[] | undefined>(undefined);
  const [next, setNext] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [firstNew, setFirstNew] = useState<string>();
  const lastOpened = useRef<string | undefined>(undefined);
  const [filtersOpen] = useState(wide);
  const [dateError, setDateError] = useState<string>();

  const queueName = (id: string) => directory.data?.queues?.find((q) => q.id === id)?.name ?? id;

  // Only the latest request's answer is shown: a slow answer to an older search never overwrites a newer one.
  const latest = useRef(0);
  async function load(f: ChatLogFilter, cursor?: string) {
    const n = ++latest.current;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.chatLog({ ...f, limit: pageSize, cursor });
      if (n !== latest.current) return;
      setItems((old) => (cursor ? [...(old ?? []), ...r.items] : r.items));
      setNext(r.next);
      setFirstNew(cursor ? r.items[0]?.id : undefined);
    } catch (err) {
      if (n === latest.current) setError(errorInfo(err, t, reasons).message);
    } finally {
      if (n === latest.current) setBusy(false);
    }
  }
  useEffect(() => void load(filter), [filter]);

  // After "show more", the focus goes to the first chat of the new page.
  useEffect(() => {
    if (firstNew) document.getElementById(`chat-${firstNew}`)?.focus();
  }, [firstNew]);
  // Back from a chat, the focus goes to the chat's link in the list.
  useEffect(() => {
    if (chatId) lastOpened.current = chatId;
    else if (lastOpened.current) setTimeout(() => document.getElementById(`chat-${lastOpened.current}`)?.focus({ preventScroll: false }), 0);
  }, [chatId]);

  if (chatId) {
    const onEvaluated = (e: Evaluation) => setItems((old) => old?.map((x) => (x.id === e.conversationId ? { ...x, evaluation: e } : x)));
    const onDeleted = (id: string) => {
      setItems((old) => old?.filter((x) => x.id !== id));
      lastOpened.current = undefined;
    };
    return <ChatRecordView id={chatId} seq={seq} queueName={queueName} onEvaluated={onEvaluated} onDeleted={onDeleted} />;
  }

  const set = (k: keyof Draft) => (v: string) => setDraft({ ...draft, [k]: v });
  const search = (e: Event) => {
    e.preventDefault();
    // Dates in the ISO form the date fields give compare as text.
    if (draft.from && draft.to && draft.to < draft.from) {
      setDateError(t.toBeforeFrom);
      document.getElementById('chatlog-to')?.focus();
      return;
    }
    setDateError(undefined);
    setFilter(filterOf(draft));
  };
  const clear = () => {
    setDateError(undefined);
    setDraft(emptyDraft);
    setFilter({});
  };
  const filtered = Object.values(filter).some((v) => v !== undefined);
  // How many filters besides the words are set, for the closed disclosure.
  const setCount = Object.entries(filter).filter(([k, v]) => k !== 'q' && v !== undefined).length;

  return (
    <>
      <PageHeader
        title={t.navChatLog}
        intro={t.chatLogIntro}
        action={
          <a class="button" href={chatLogCSV(filter)} download="chat-log.csv">
            {t.downloadCSV}
          </a>
        }
      />
      <form class="card chat-search" role="search" aria-label={t.searchChats} onSubmit={search}>
        <div class="search-row">
          <Field id="chatlog-q" label={t.searchWords} hint={t.searchWordsHint} class="grow">
            <input id="chatlog-q" type="search" value={draft.q} onInput={(e) => set('q')(e.currentTarget.value)} aria-describedby="chatlog-q-hint" />
          </Field>
          <button type="submit" class="primary">
            {t.search}
          </button>
        </div>
        <details class="more-filters" open={filtersOpen}>
          <summary>{setCount > 0 ? fmt(t.filtersSet, { n: setCount }) : t.filters}</summary>
          <div class="filters">
            <SelectField id="chatlog-queue" label={t.queue} value={draft.queue} onChange={set('queue')}
              options={[['', t.anyQueue], ...(directory.data?.queues ?? []).map((q): [string, string] => [q.id, q.name])]} />
            {me?.role === 'admin' && (
              <SelectField id="chatlog-agent" label={t.agent} value={draft.agent} onChange={set('agent')}
                options={[['', t.anyone], ...(users.data?.users ?? []).map((u): [string, string] => [u.id, u.displayName])]} />
            )}
            <SelectField id="chatlog-status" label={t.status} value={draft.status} onChange={set('status')}
              options={[['', t.anyStatus], ['waiting', t.chatWaiting], ['active', t.chatActive], ['ended', t.chatEnded]]} />
            <SelectField id="chatlog-ended-by" label={t.endedBy} value={draft.endedBy} onChange={set('endedBy')}
              options={[['', t.anyone], ['customer', t.theCustomer], ['agent', t.anAgent], ['system', t.theServer]]} />
            <SelectField id="chatlog-private" label={t.privateNotes} value={draft.private} onChange={set('private')}
              options={[['', t.withOrWithout], ['true', t.withPrivate], ['false', t.withoutPrivate]]} />
            <Field id="chatlog-from" label={t.fromDate}>
              <input id="chatlog-from" type="date" value={draft.from} onInput={(e) => set('from')(e.currentTarget.value)} />
            </Field>
            <Field id="chatlog-to" label={t.toDate} error={dateError}>
              <input id="chatlog-to" type="date" value={draft.to} onInput={(e) => set('to')(e.currentTarget.value)}
                aria-invalid={dateError ? true : undefined} aria-describedby={dateError ? 'chatlog-to-error' : undefined} />
            </Field>
            <button type="button" class="quiet" onClick={clear}>
              {t.clearFilters}
            </button>
          </div>
        </details>
      </form>
      {error && <LoadError message={error} onRetry={() => void load(filter)} />}
      <section class="card results" aria-labelledby="results-heading" aria-busy={busy}>
        <h2 id="results-heading">{filter.q ? fmt(t.resultsFor, { q: filter.q }) : t.chats}</h2>
        <p role="status" class="muted result-count">
          {busy ? (items === undefined ? t.loading : t.searching) : items === undefined ? '' : resultCount(t, items.length, !!next)}
        </p>
        {items && items.length > 0 && (
          <ul class="chat-list">
            {items.map((it) => (
              <ChatItem key={it.id} item={it} queueName={queueName} />
            ))}
          </ul>
        )}
        {items && items.length === 0 && !error && <p class="muted empty">{filtered ? t.noChatsMatch : t.noChatsYet}</p>}
        {next && (
          <div class="buttons start">
            <button type="button" disabled={busy} onClick={() => void load(filter, next)}>
              {busy ? t.loading : t.showMoreChats}
            </button>
          </div>
        )}
      </section>
    </>
  );
}

function resultCount(t: Texts, n: number, more: boolean): string {
  if (n === 0) return '';
  return fmt(more ? t.chatsShownMore : n === 1 ? t.oneChatShown : t.chatsShown, { n });
}

function ChatItem({ item: it, queueName }: { item: ChatLogItem; queueName: (id: string) => string }) {
  const { t, lang } = useAdmin();
  const name = customerLabel(t, it.customerName, it.visitor);
  const facts = [
    queueName(it.queueId),
    formatDateTime(it.createdAt, lang),
    fmt(it.record.messages === 1 ? t.oneMessage : t.nMessages, { n: it.record.messages }),
    it.waitSeconds !== undefined ? fmt(t.waitedFor, { time: duration(t, it.waitSeconds) }) : '',
    it.handlingSeconds !== undefined ? fmt(t.handledFor, { time: duration(t, it.handlingSeconds) }) : '',
  ].filter(Boolean);
  return (
    <li class="chat-item">
      <div class="chat-item-head">
        <a id={`chat-${it.id}`} class="chat-link" href={`#/chatlog/${encodeURIComponent(it.id)}`}>
          {name}
          <span class="visually-hidden">, {formatDateTime(it.createdAt, lang)}</span>
        </a>
        <span class={`badge status-${it.status}`}>{statusText(t, it.status)}</span>
        {it.record.private > 0 && (
          <span class="badge private">
            <PrivateMark decorative />
            {fmt(it.record.private === 1 ? t.onePrivateNote : t.nPrivateNotes, { n: it.record.private })}
          </span>
        )}
        {it.evaluation && <EvaluationBadge evaluation={it.evaluation} />}
        {it.record.erasureRequested && <span class="badge warn">{t.erasureRequested}</span>}
      </div>
      <p class="chat-facts">{facts.join(' · ')}</p>
      {it.hits && it.hits.length > 0 && (
        <ul class="hits" aria-label={fmt(t.hitsIn, { name })}>
          {it.hits.map((h) => (
            <li key={h.seq} class={h.visibility === 'agents' ? 'hit private' : 'hit'}>
              <span class="hit-author">
                {h.author.role === 'customer' ? h.author.name || name : h.author.name || t.anAgent}
                {h.visibility === 'agents' && <PrivateMark />}
              </span>{' '}
              <a class="hit-text" href={`#/chatlog/${encodeURIComponent(it.id)}/${h.seq}`}>
                <Parts parts={h.parts} />
              </a>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
