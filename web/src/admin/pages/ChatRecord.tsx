// One chat of the organisation's chat log in full (R15): what it was (queue,
// times, wait and handling, who ended it, who took part), its whole log as
// the API gives it — messages, private notes set apart in their own colour
// and marked "Private note", files, offers, invitations, joins and leaves —
// its evaluation, and its export as JSON.

import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AttachmentRef, ChatEvent, ConversationStatus } from '../../common/protocol';
import { formatSize, inlineImage, kindOf, typeLabel } from '../../common/files';
import { chatExport, chatFile, type ChatRecord, type Evaluation, type TextPart } from '../api';
import { Confirm, FormBanner, LoadError, Loading } from '../components';
import { useAdmin } from '../context';
import { errorInfo } from '../form';
import { formatDateTime, formatDay, formatTime, useLoad } from '../hooks';
import { customerLabel, duration, eventLine, namesIn, secondsBetween } from '../record';
import { fmt, type Texts } from '../texts';

/** statusText names a chat's status. */
export function statusText(t: Texts, s: ConversationStatus): string {
  return s === 'waiting' ? t.chatWaiting : s === 'active' ? t.chatActive : t.chatEnded;
}

/** PrivateMark is the eye that marks a private note; decorative beside a text that says so. */
export function PrivateMark({ decorative }: { decorative?: boolean }) {
  const { t } = useAdmin();
  const svg = (
    <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M1.5 8s2.4-4.5 6.5-4.5S14.5 8 14.5 8s-2.4 4.5-6.5 4.5S1.5 8 1.5 8z" />
      <circle cx="8" cy="8" r="2" />
    </svg>
  );
  if (decorative) return <span class="private-mark">{svg}</span>;
  return (
    <span class="private-mark" role="img" aria-label={t.privateNote} title={t.privateNoteHint}>
      {svg}
    </span>
  );
}

/** Parts shows a found message with the words searched for highlighted. */
export function Parts({ parts }: { parts: TextPart[] }) {
  return <>{parts.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}</>;
}

/** EvaluationBadge shows an evaluation's score. */
export function EvaluationBadge({ evaluation }: { evaluation: Evaluation }) {
  const { t } = useAdmin();
  return (
    <span class="badge score" title={evaluation.note || undefined}>
      <span aria-hidden="true">★ </span>
      {fmt(t.scoreOf, { score: evaluation.score })}
    </span>
  );
}

interface RecordProps {
  id: string;
  /** the event to show first (a search's hit), by its seq. */
  seq?: string;
  queueName: (id: string) => string;
  onEvaluated: (e: Evaluation) => void;
  onDeleted: (id: string) => void;
}

export function ChatRecordView({ id, seq, queueName, onEvaluated, onDeleted }: RecordProps) {
  const { t, reasons, lang, api, me } = useAdmin();
  const rec = useLoad(() => api.chatRecord(id));
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string>();
  // A hit opened from the list: its event gets the focus, in view.
  useEffect(() => {
    if (!rec.data || !seq) return;
    const el = document.getElementById(`event-${seq}`);
    el?.focus({ preventScroll: true });
    el?.scrollIntoView({ block: 'center' });
  }, [rec.data, seq]);

  async function erase() {
    try {
      const r = await api.erase({ conversationId: id });
      if (r.deleted.includes(id)) {
        setDeleting(false);
        onDeleted(id);
        location.hash = '#/chatlog';
      } else setDeleteError(t.deleteOpenChat);
    } catch (err) {
      setDeleteError(errorInfo(err, t, reasons).message);
    }
  }
  const [evaluation, setEvaluation] = useState<Evaluation | undefined>();
  useEffect(() => setEvaluation(rec.data?.evaluation), [rec.data]);

  const c = rec.data?.conversation;
  const customer = c ? customerLabel(t, c.customerName, c.visitor) : '';
  useEffect(() => {
    if (c) document.title = `${fmt(t.chatWith, { name: customer })} — ${t.appTitle}`;
  }, [c, lang]);

  return (
    <>
      <p class="back">
        <a href="#/chatlog">
          <span aria-hidden="true">← </span>
          {t.backToChatLog}
        </a>
      </p>
      <header class="page-head">
        <div>
          <h1 id="page-title" tabIndex={-1}>
            {c ? fmt(t.chatWith, { name: customer }) : t.chat}
          </h1>
          {c && <p class="intro">{fmt(t.chatStartedIn, { when: formatDateTime(c.createdAt, lang), queue: queueName(c.queueId) })}</p>}
        </div>
        {c && (
          <div class="head-actions">
            <a class="button" href={chatExport(id)} download={`chat-${id}.json`}>
              {t.downloadJSON}
            </a>
            {me?.role === 'admin' && c.status === 'ended' && (
              <button type="button" class="danger-text" onClick={() => setDeleting(true)}>
                {t.deleteChat}
              </button>
            )}
          </div>
        )}
      </header>
      {deleting && (
        <Confirm title={t.deleteChatTitle} text={t.deleteChatText} confirm={t.deleteChat} danger error={deleteError} onConfirm={() => void erase()}
          onCancel={() => { setDeleting(false); setDeleteError(undefined); }} />
      )}
      {rec.error && <LoadError message={rec.error} onRetry={rec.reload} />}
      {!rec.data && !rec.error && <Loading />}
      {rec.data && c && (
        <div class="record-layout">
          <section class="card record-log" aria-labelledby="log-heading">
            <h2 id="log-heading">{t.theLog}</h2>
            <p class="hint legend">
              <span class="swatch private" aria-hidden="true" /> {t.privateLegend}
            </p>
            <RecordLog record={rec.data} customer={customer} queueName={queueName} target={seq ? Number(seq) : undefined} />
          </section>
          <div class="record-side">
            <Summary record={rec.data} customer={customer} queueName={queueName} />
            {me?.role !== 'agent' && (
              <EvaluationCard
                id={id}
                ended={c.status === 'ended'}
                evaluation={evaluation}
                onReload={rec.reload}
                onSaved={(e) => {
                  setEvaluation(e);
                  onEvaluated(e);
                }}
              />
            )}
          </div>
        </div>
      )}
    </>
  );
}

function Summary({ record, customer, queueName }: { record: ChatRecord; customer: string; queueName: (id: string) => string }) {
  const { t, lang } = useAdmin();
  const c = record.conversation;
  const names = namesIn(record.events);
  const endedBy = c.record.endedBy === 'customer' ? customer : c.record.endedBy === 'agent' ? t.anAgent : c.record.endedBy ? t.theServer : '';
  const ender = [...record.events].reverse().find((e) => e.kind === 'ended');
  const rows: [string, string][] = [
    [t.status, statusText(t, c.status)],
    [t.queue, queueName(c.queueId)],
    [t.started, formatDateTime(c.createdAt, lang)],
    [t.answered, c.record.answeredAt ? formatDateTime(c.record.answeredAt, lang) : t.notAnswered],
    [t.ended, c.endedAt ? formatDateTime(c.endedAt, lang) : '—'],
    [t.waitTime, duration(t, secondsBetween(c.createdAt, c.record.answeredAt || c.endedAt)) || '—'],
    [t.handlingTime, duration(t, secondsBetween(c.record.answeredAt, c.endedAt)) || '—'],
    [t.endedBy, ender?.author?.name || endedBy || '—'],
    [t.messages, String(c.record.messages)],
    [t.privateNotes, String(c.record.private)],
  ];
  const agents = record.participations.filter((p) => p.joinedAt);
  return (
    <section class="card" aria-labelledby="summary-heading">
      <h2 id="summary-heading">{t.aboutChat}</h2>
      <dl class="facts">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {c.record.erasureRequested && <p class="banner warning">{t.erasureRequestedLong}</p>}
      <h3>{t.agentsInChat}</h3>
      {agents.length === 0 ? (
        <p class="muted">{t.noAgentsJoined}</p>
      ) : (
        <ul class="people">
          {agents.map((p) => (
            <li key={p.agentId}>
              <span class="strong">{names[p.agentId] ?? p.agentId}</span>
              <span class="sub">
                {fmt(p.leftAt && p.leftAt >= (p.joinedAt ?? '') ? t.joinedLeft : t.joinedStayed, {
                  joined: formatTime(p.joinedAt, lang),
                  left: formatTime(p.leftAt, lang),
                })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface RecordLogProps {
  record: ChatRecord;
  customer: string;
  queueName: (id: string) => string;
  /** the seq of the event to mark as the one looked for. */
  target?: number;
}

function RecordLog({ record, customer, queueName, target }: RecordLogProps) {
  const { t, lang } = useAdmin();
  const names = namesIn(record.events);
  const ctx = { customer, names, queueName };
  const firstDay = formatDay(record.conversation.createdAt, lang);
  // A chat that went on past midnight says the date at each event of another day.
  const when = (iso: string) => {
    const day = formatDay(iso, lang);
    return day === firstDay ? formatTime(iso, lang) : `${day} ${formatTime(iso, lang)}`;
  };
  if (record.events.length === 0) return <p class="muted empty">{t.emptyLog}</p>;
  return (
    <ol class="record">
      {record.events.map((e) => {
        const time = (
          <time dateTime={e.time} class="at">
            {when(e.time)}
          </time>
        );
        if (e.kind !== 'message') {
          return (
            <li key={e.seq} id={`event-${e.seq}`} class={`line${e.visibility === 'agents' ? ' agents-only' : ''}${e.seq === target ? ' target' : ''}`}
              tabIndex={e.seq === target ? -1 : undefined} aria-current={e.seq === target ? 'true' : undefined}>
              {time}
              <span class="line-text">
                {eventLine(e, ctx, t)}
                {e.kind === 'invited' && e.text && <q class="note-text">{e.text}</q>}
              </span>
              {e.visibility === 'agents' && <span class="only-agents">{t.agentsOnly}</span>}
            </li>
          );
        }
        return (
          <Message key={e.seq} e={e} customer={customer} names={names} time={time} conversationId={record.conversation.id} target={e.seq === target} />
        );
      })}
    </ol>
  );
}

interface MessageProps {
  e: ChatEvent;
  customer: string;
  names: Record<string, string>;
  time: JSX.Element;
  conversationId: string;
  /** the message a search found, opened from its hit. */
  target?: boolean;
}

function Message({ e, customer, names, time, conversationId, target }: MessageProps) {
  const { t } = useAdmin();
  const role = e.author?.role ?? 'system';
  const priv = e.visibility === 'agents';
  const author = role === 'customer' ? e.author.name || customer : e.author?.name || (e.author?.id ? names[e.author.id] : '') || t.anAgent;
  return (
    <li id={`event-${e.seq}`} class={`msg msg-${role}${priv ? ' private' : ''}${target ? ' target' : ''}`} tabIndex={target ? -1 : undefined}
      aria-current={target ? 'true' : undefined}>
      <div class="meta">
        <span class="author">{author}</span>
        {role === 'customer' && <span class="sub-role">{t.theCustomer}</span>}
        {priv && (
          <span class="private-label">
            <PrivateMark decorative />
            {t.privateNote}
          </span>
        )}
        {time}
      </div>
      {e.text && <div class="text">{e.text}</div>}
      {e.attachments && e.attachments.length > 0 && <Files conversationId={conversationId} files={e.attachments} />}
    </li>
  );
}

function Files({ conversationId, files }: { conversationId: string; files: AttachmentRef[] }) {
  const { t, lang } = useAdmin();
  return (
    <ul class="files" aria-label={t.files}>
      {files.map((f) => (
        <li key={f.id}>
          <a class={`file ${kindOf(f.type)}`} href={chatFile(conversationId, f.id)} download={inlineImage(f) ? undefined : f.name} target="_blank" rel="noopener">
            {f.thumbnail ? (
              <img src={chatFile(conversationId, f.id, true)} alt="" width={f.width && f.height ? Math.round((64 * f.width) / f.height) : undefined} height={64} loading="lazy" />
            ) : (
              <span class="file-type" aria-hidden="true">
                {typeLabel(f.type)}
              </span>
            )}
            <span class="file-name">
              <span class="visually-hidden">{inlineImage(f) ? t.open : t.download}: </span>
              {f.name}
              <span class="sub">
                {typeLabel(f.type)} · {formatSize(f.size, lang)}
              </span>
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

interface EvaluationProps {
  id: string;
  ended: boolean;
  evaluation?: Evaluation;
  onSaved: (e: Evaluation) => void;
  onReload: () => void;
}

function EvaluationCard({ id, ended, evaluation, onSaved, onReload }: EvaluationProps) {
  const { t, reasons, api, lang } = useAdmin();
  const [score, setScore] = useState(evaluation?.score ?? 0);
  const [note, setNote] = useState(evaluation?.note ?? '');
  const [banner, setBanner] = useState<{ error?: string; stale?: boolean; saved?: boolean; invalid?: boolean }>({});
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(evaluation?.version ?? 0);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    setScore(evaluation?.score ?? 0);
    setNote(evaluation?.note ?? '');
    setVersion(evaluation?.version ?? 0);
    setBanner((b) => (b.stale ? {} : b));
  }, [evaluation?.version]);

  async function save(e: Event) {
    e.preventDefault();
    if (score < 1) {
      setBanner({ error: t.chooseScore });
      form.current?.querySelector<HTMLInputElement>('input[type=radio]')?.focus();
      return;
    }
    setBusy(true);
    setBanner({});
    try {
      const r = await api.evaluate(id, { score, note, version });
      setVersion(r.evaluation.version);
      onSaved(r.evaluation);
      setBanner({ saved: true });
    } catch (err) {
      const info = errorInfo(err, t, reasons);
      setBanner(info.stale ? { stale: true } : { error: info.message });
    } finally {
      setBusy(false);
    }
  }

  if (!ended) {
    return (
      <section class="card" aria-labelledby="evaluation-heading">
        <h2 id="evaluation-heading">{t.evaluation}</h2>
        <p class="muted">{t.evaluateWhenEnded}</p>
      </section>
    );
  }
  return (
    <form ref={form} class="card evaluation" aria-labelledby="evaluation-heading" onSubmit={save} noValidate>
      <h2 id="evaluation-heading">{t.evaluation}</h2>
      <FormBanner {...banner} onReload={onReload} />
      {evaluation && (
        <p class="hint">{fmt(t.evaluatedBy, { name: evaluation.author.name || t.anAgent, when: formatDateTime(evaluation.updatedAt, lang) })}</p>
      )}
      <fieldset class="field">
        <legend>{t.score}</legend>
        <div class="score-choice">
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} class="score-option">
              <input type="radio" name="evaluation-score" value={n} checked={score === n} onChange={() => { setScore(n); setBanner({}); }} />
              <span>{n}</span>
            </label>
          ))}
        </div>
        <p class="hint">{t.scoreHint}</p>
      </fieldset>
      <div class="field">
        <label for="evaluation-note">{t.evaluationNote}</label>
        <textarea id="evaluation-note" rows={4} maxLength={5000} value={note}
          onInput={(e) => { setNote(e.currentTarget.value); setBanner({}); }} />
      </div>
      <div class="buttons start">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t.saving : t.saveEvaluation}
        </button>
      </div>
    </form>
  );
}
