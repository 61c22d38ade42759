// Privacy (R15, personal data): how long ended chats are kept, for every
// queue and for queues that differ; whether customers may ask from the
// widget that their chat be deleted; deleting a customer's chats on
// request, by conversation, customer, e-mail address or verified id; and
// what remains of deleted chats (anonymous counts). Whatever deletes chats
// asks first.

import { useRef, useState } from 'preact/hooks';
import type { EraseRequest, ErasedCount, Privacy, Queue } from '../api';
import { Confirm, Field, FieldError, FormBanner, LoadError, Loading, NumberField, PageHeader, SelectField } from '../components';
import { useAdmin } from '../context';
import { check, errorInfo, focusFirstInvalid, type Errors } from '../form';
import { formatDateTime, formatDay, useFormState, useLoad } from '../hooks';
import { shortens } from '../privacy';
import { fmt, type Texts } from '../texts';

export function PrivacyPage() {
  const { t, api } = useAdmin();
  const data = useLoad(() => Promise.all([api.privacy(), api.queues()]));
  const counts = useLoad(() => api.erasures());
  const [privacy, queues] = data.data ?? [undefined, undefined];
  return (
    <>
      <PageHeader title={t.navPrivacy} intro={t.privacyIntro} />
      {data.error && <LoadError message={data.error} onRetry={data.reload} />}
      {!data.data && !data.error && <Loading />}
      {privacy && queues && <RetentionForm key={privacy.privacy.version} privacy={privacy.privacy} queues={queues.queues} onReload={data.reload} />}
      <EraseForm onErased={counts.reload} />
      <ErasedCounts counts={counts.data ? (counts.data.counts ?? []) : undefined} error={counts.error} onRetry={counts.reload} queues={queues?.queues ?? []} />
    </>
  );
}

interface RetentionProps {
  privacy: Privacy;
  queues: Queue[];
  onReload: () => void;
}

function RetentionForm({ privacy: initial, queues, onReload }: RetentionProps) {
  const { t, reasons, api, lang } = useAdmin();
  const [privacy, setPrivacy] = useState(initial);
  const [days, setDays] = useState(initial.retentionDays);
  // A queue's own retention, as typed: empty keeps the queue to the general one.
  const [perQueue, setPerQueue] = useState<Record<string, string>>(() =>
    Object.fromEntries(Object.entries(initial.queueRetentionDays).map(([q, d]) => [q, String(d)])),
  );
  const [erasure, setErasure] = useState(initial.customerErasure);
  const [autoTranscript, setAutoTranscript] = useState(initial.autoTranscript);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string[] | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const fs = useFormState(form);
  const queueName = (id: string) => queues.find((q) => q.id === id)?.name ?? id;
  // Queues removed since their retention was set still count, and are listed too.
  const listed = [...queues.map((q) => q.id), ...Object.keys(perQueue).filter((q) => !queues.some((x) => x.id === q))];

  function values(): { errs: Errors; queueDays: Record<string, number> } {
    const errs: Errors = {};
    const bad = check.range(reasons, days, 0, 3650);
    if (bad) errs.retentionDays = bad;
    const queueDays: Record<string, number> = {};
    for (const [q, v] of Object.entries(perQueue)) {
      if (v.trim() === '') continue;
      const n = Number(v);
      const e = check.range(reasons, n, 0, 3650);
      if (e) errs[`queueRetentionDays.${q}`] = e;
      else queueDays[q] = n;
    }
    return { errs, queueDays };
  }

  function submit(e: Event) {
    e.preventDefault();
    const { errs, queueDays } = values();
    if (!fs.check(errs)) return;
    const cut = shortens(privacy, { retentionDays: days, queueRetentionDays: queueDays });
    if (cut.length > 0) setConfirming(cut);
    else void save();
  }

  async function save() {
    const { queueDays } = values();
    setBusy(true);
    try {
      const r = await api.updatePrivacy({ version: privacy.version, retentionDays: days, queueRetentionDays: queueDays, customerErasure: erasure, autoTranscript });
      setPrivacy(r.privacy);
      fs.setBanner({ saved: true });
      setConfirming(null);
    } catch (err) {
      setConfirming(null);
      // The server names a queue's field "queueRetentionDays.sales".
      fs.fail(err);
    } finally {
      setBusy(false);
    }
  }

  // The general time keeps the chats of every queue without one of its own.
  const whoIsCut = (cut: string[]) => {
    const others = Object.values(perQueue).some((v) => v.trim() !== '') ? t.allOtherChats : t.allChats;
    return cut.map((q) => (q ? fmt(t.queueChats, { queue: queueName(q) }) : others)).join(', ');
  };
  return (
    <form ref={form} class="card" onSubmit={submit} noValidate aria-labelledby="retention-heading">
      <h2 id="retention-heading">{t.retentionHeading}</h2>
      <FormBanner {...fs.banner} onReload={onReload} />
      <NumberField id="privacy-retention" name="retentionDays" label={t.retentionDays} hint={t.retentionDaysHint} min={0} max={3650}
        value={days} error={fs.errors.retentionDays} onInput={setDays} />
      {listed.length > 0 && (
        <fieldset class="field">
          <legend>{t.queueRetention}</legend>
          <p class="hint" id="queue-retention-hint">
            {t.queueRetentionHint}
          </p>
          <table class="list retention">
            <thead>
              <tr>
                <th scope="col">{t.queue}</th>
                <th scope="col">{t.daysKept}</th>
                <th scope="col">{t.inEffect}</th>
              </tr>
            </thead>
            <tbody>
              {listed.map((q) => {
                const id = `privacy-queue-${q}`;
                const err = fs.errors[`queueRetentionDays.${q}`];
                const own = (perQueue[q] ?? '').trim();
                const effective = own !== '' && !Number.isNaN(Number(own)) ? Number(own) : days;
                return (
                  <tr key={q}>
                    <th scope="row">
                      <label for={id}>{queueName(q)}</label>
                    </th>
                    <td>
                      <input id={id} data-field={`queueRetentionDays.${q}`} type="number" inputMode="numeric" min={0} max={3650} step={1}
                        class="days" placeholder={t.sameAsAll} value={perQueue[q] ?? ''} aria-invalid={err ? true : undefined}
                        aria-describedby={err ? `${id}-error` : 'queue-retention-hint'}
                        onInput={(e) => setPerQueue({ ...perQueue, [q]: e.currentTarget.value })} />
                      <FieldError id={id} error={err} />
                    </td>
                    <td class="muted">{keptText(t, effective)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </fieldset>
      )}
      <fieldset class="field">
        <legend>{t.customerErasure}</legend>
        <label class="check">
          <input type="checkbox" checked={erasure} onChange={(e) => setErasure(e.currentTarget.checked)} aria-describedby="privacy-erasure-hint" />
          <span>{t.customerErasureLabel}</span>
        </label>
        <p class="hint" id="privacy-erasure-hint">
          {t.customerErasureHint}
        </p>
      </fieldset>
      <fieldset class="field">
        <legend>{t.autoTranscript}</legend>
        <label class="check">
          <input type="checkbox" checked={autoTranscript} onChange={(e) => setAutoTranscript(e.currentTarget.checked)} aria-describedby="privacy-auto-hint" />
          <span>{t.autoTranscriptLabel}</span>
        </label>
        <p class="hint" id="privacy-auto-hint">
          {t.autoTranscriptHint}
        </p>
      </fieldset>
      <div class="buttons start">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t.saving : t.save}
        </button>
        {privacy.updatedAt && <span class="muted">{fmt(t.lastChanged, { when: formatDateTime(privacy.updatedAt, lang) })}</span>}
      </div>
      {confirming && (
        <Confirm title={t.shortenTitle} text={fmt(t.shortenText, { which: whoIsCut(confirming) })} confirm={t.keepLess} danger busy={busy}
          onConfirm={() => void save()} onCancel={() => setConfirming(null)} />
      )}
    </form>
  );
}

/** keptText says how long chats are kept: "365 days", or "until erased". */
function keptText(t: Texts, days: number): string {
  if (days === 0) return t.keptForever;
  return fmt(days === 1 ? t.oneDay : t.nDays, { n: days });
}

type Criterion = 'conversationId' | 'customerId' | 'email' | 'verifiedId';

function EraseForm({ onErased }: { onErased: () => void }) {
  const { t, reasons, api } = useAdmin();
  const [criterion, setCriterion] = useState<Criterion>('conversationId');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string>();
  const [result, setResult] = useState<{ deleted: number; open: number }>();
  const form = useRef<HTMLFormElement>(null);
  const labels: Record<Criterion, string> = {
    conversationId: t.byConversation,
    customerId: t.byCustomer,
    email: t.byEmail,
    verifiedId: t.byVerifiedId,
  };

  function submit(e: Event) {
    e.preventDefault();
    setResult(undefined);
    const v = value.trim();
    if (!v) {
      setError(t.required);
      focusFirstInvalid(form.current, { value: t.required });
      return;
    }
    setError(undefined);
    setFailed(undefined);
    setConfirming(true);
  }

  async function erase() {
    setBusy(true);
    try {
      const r = await api.erase({ [criterion]: value.trim() } as EraseRequest);
      setResult({ deleted: r.deleted.length, open: r.open.length });
      setConfirming(false);
      setValue('');
      onErased();
    } catch (err) {
      const info = errorInfo(err, t, reasons);
      setFailed(info.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form ref={form} class="card" onSubmit={submit} noValidate aria-labelledby="erase-heading">
      <h2 id="erase-heading">{t.eraseHeading}</h2>
      <p class="hint">{t.eraseIntro}</p>
      {result && (
        <p class={`banner ${result.open ? 'warning' : 'ok'}`} role="status">
          {fmt(result.deleted === 1 ? t.erasedOne : t.erasedN, { n: result.deleted })}
          {result.open > 0 && ` ${fmt(t.erasedOpen, { n: result.open })}`}
        </p>
      )}
      <div class="filters erase-row">
        <SelectField id="erase-criterion" label={t.findChatsBy} value={criterion} onChange={(v) => setCriterion(v as Criterion)}
          options={(Object.keys(labels) as Criterion[]).map((k): [string, string] => [k, labels[k]])} />
        <Field id="erase-value" label={labels[criterion]} error={error} class="grow">
          <input id="erase-value" data-field="value" type="text" inputMode={criterion === 'email' ? 'email' : 'text'} autoComplete="off" value={value}
            aria-invalid={error ? true : undefined} aria-describedby={error ? 'erase-value-error' : undefined}
            onInput={(e) => setValue(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="danger">
          {t.deleteChats}
        </button>
      </div>
      {confirming && (
        <Confirm title={t.eraseTitle} text={fmt(t.eraseText, { what: labels[criterion].toLowerCase(), value: value.trim() })} confirm={t.deleteChats}
          danger busy={busy} error={failed} onConfirm={() => void erase()} onCancel={() => { setConfirming(false); setFailed(undefined); }} />
      )}
    </form>
  );
}

function ErasedCounts({ counts, error, onRetry, queues }: { counts?: ErasedCount[]; error?: string; onRetry: () => void; queues: Queue[] }) {
  const { t, lang } = useAdmin();
  const queueName = (id: string) => queues.find((q) => q.id === id)?.name ?? id;
  return (
    <section class="card" aria-labelledby="erased-heading">
      <h2 id="erased-heading">{t.erasedHeading}</h2>
      <p class="hint">{t.erasedIntro}</p>
      {error && <LoadError message={error} onRetry={onRetry} />}
      {!counts && !error && <Loading />}
      {counts && counts.length === 0 && <p class="muted empty">{t.nothingErased}</p>}
      {counts && counts.length > 0 && (
        <div class="scroll-x">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.endedOn}</th>
                <th scope="col">{t.queue}</th>
                <th scope="col">{t.why}</th>
                <th scope="col" class="num">
                  {t.chats}
                </th>
                <th scope="col" class="num">
                  {t.answeredChats}
                </th>
                <th scope="col" class="num">
                  {t.messages}
                </th>
              </tr>
            </thead>
            <tbody>
              {counts.map((c) => (
                <tr key={`${c.day} ${c.queueId} ${c.reason}`}>
                  <td class="nowrap">{formatDay(`${c.day}T12:00:00Z`, lang)}</td>
                  <td>{queueName(c.queueId)}</td>
                  <td>
                    <span class={`badge ${c.reason === 'request' ? 'warn' : ''}`}>{c.reason === 'request' ? t.reasonRequest : t.reasonRetention}</span>
                  </td>
                  <td class="num">{c.conversations}</td>
                  <td class="num">{c.answered}</td>
                  <td class="num">{c.messages}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
