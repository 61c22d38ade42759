// Queues: the list, with whether each is open now, and the side panel that
// creates, edits or removes one.

import { useRef, useState } from 'preact/hooks';
import type { OpenState, Queue } from '../api';
import { Confirm, FormBanner, LoadError, Loading, NumberField, PageHeader, Panel, TextField } from '../components';
import { useAdmin } from '../context';
import { check, errorInfo, slug, type Errors } from '../form';
import { formatWhen, useFormState, useLoad } from '../hooks';
import { fmt, type Lang, type Texts } from '../texts';

/** openSummary says whether a queue takes chats now, and until when. */
export function openSummary(t: Texts, lang: Lang, q: Queue, st?: OpenState): string {
  if (!q.hours) return t.alwaysOpen;
  if (!st) return '';
  if (st.open) return st.until ? fmt(t.openUntil, { when: formatWhen(st.until, lang) }) : t.openNow;
  return st.until ? fmt(t.closedUntil, { when: formatWhen(st.until, lang) }) : t.closedNow;
}

export function QueuesPage() {
  const { t, api, lang } = useAdmin();
  const queues = useLoad(() => api.queues());
  const [editing, setEditing] = useState<Queue | 'new' | null>(null);
  const [notice, setNotice] = useState('');
  return (
    <>
      <PageHeader
        title={t.navQueues}
        intro={t.queuesIntro}
        action={
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            {t.newQueue}
          </button>
        }
      />
      <p class="banner ok" role="status" hidden={!notice}>
        {notice}
      </p>
      {queues.error && <LoadError message={queues.error} onRetry={queues.reload} />}
      {!queues.data && !queues.error && <Loading />}
      {queues.data && (
        <section class="card">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.offerTimeoutShort}</th>
                <th scope="col" class="num">
                  {t.priority}
                </th>
                <th scope="col">{t.hours}</th>
                <th scope="col">
                  <span class="visually-hidden">{t.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {queues.data.queues.map((q) => {
                const st = queues.data!.open[q.id];
                return (
                  <tr key={q.id}>
                    <td>
                      <span class="strong">{q.name}</span>
                      <span class="sub">{q.id}</span>
                    </td>
                    <td>{q.offerTimeoutSeconds ? fmt(t.seconds, { n: q.offerTimeoutSeconds }) : t.serverDefault}</td>
                    <td class="num">{q.priority}</td>
                    <td>
                      <span class={`badge ${!q.hours || st?.open ? 'on ready' : 'off'}`}>{openSummary(t, lang, q, st)}</span>
                    </td>
                    <td class="row-actions">
                      <a class="button" href={`#/hours/${encodeURIComponent(q.id)}`} aria-label={fmt(t.editHours, { name: q.name })}>
                        {t.hours}
                      </a>
                      <button type="button" onClick={() => setEditing(q)} aria-label={fmt(t.editName, { name: q.name })}>
                        {t.edit}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {queues.data.queues.length === 0 && <p class="muted empty">{t.noQueues}</p>}
        </section>
      )}
      {editing && (
        <QueuePanel
          queue={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={(msg) => {
            setNotice(msg);
            queues.reload();
          }}
        />
      )}
    </>
  );
}

interface QueuePanelProps {
  queue?: Queue;
  onClose: () => void;
  onSaved: (notice: string) => void;
}

function QueuePanel({ queue: initial, onClose, onSaved }: QueuePanelProps) {
  const { t, reasons, api } = useAdmin();
  const [queue, setQueue] = useState(initial);
  const creating = !queue;
  const [v, setV] = useState({
    id: initial?.id ?? '',
    name: initial?.name ?? '',
    offerTimeoutSeconds: initial?.offerTimeoutSeconds ?? 0,
    priority: initial?.priority ?? 0,
    waitingText: initial?.waitingText ?? '',
    closedText: initial?.closedText ?? '',
  });
  const [idTouched, setIdTouched] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const f = useFormState(form);
  const errors = f.errors;
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [confirmError, setConfirmError] = useState<string>();

  function validate(): Errors {
    const e: Errors = {};
    const put = (k: string, msg: string | undefined) => msg && (e[k] = msg);
    if (creating) put('id', check.id(t, reasons, v.id));
    put('name', check.name(t, reasons, v.name));
    if (v.offerTimeoutSeconds !== 0) put('offerTimeoutSeconds', check.range(reasons, v.offerTimeoutSeconds, 5, 600));
    put('priority', check.range(reasons, v.priority, 0, 9));
    put('waitingText', check.text(reasons, v.waitingText, 500));
    put('closedText', check.text(reasons, v.closedText, 500));
    return e;
  }

  async function save(e: Event) {
    e.preventDefault();
    if (!f.check(validate())) return;
    setBusy(true);
    try {
      const fields = { name: v.name, offerTimeoutSeconds: v.offerTimeoutSeconds, priority: v.priority,
        waitingText: v.waitingText, closedText: v.closedText };
      const r = creating ? await api.createQueue({ id: v.id, ...fields }) : await api.updateQueue(queue.id, { version: queue.version, ...fields });
      onSaved(fmt(t.savedName, { name: r.queue.name }));
      onClose();
    } catch (err) {
      f.fail(err);
    } finally {
      setBusy(false);
    }
  }

  async function reload() {
    if (!queue) return;
    const r = await api.queues();
    const fresh = r.queues.find((q) => q.id === queue.id);
    if (!fresh) return onClose();
    setQueue(fresh);
    setV({ id: fresh.id, name: fresh.name, offerTimeoutSeconds: fresh.offerTimeoutSeconds, priority: fresh.priority,
      waitingText: fresh.waitingText, closedText: fresh.closedText });
    f.reset();
  }

  async function remove() {
    if (!queue) return;
    setBusy(true);
    setConfirmError(undefined);
    try {
      await api.removeQueue(queue.id, queue.version);
      onSaved(fmt(t.removedName, { name: queue.name }));
      onClose();
    } catch (err) {
      setConfirmError(errorInfo(err, t, reasons).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Panel title={creating ? t.newQueue : t.editQueue} onClose={onClose}>
      <form ref={form} onSubmit={save} noValidate>
        <FormBanner {...f.banner} onReload={() => void reload()} />
        <TextField id="queue-name" name="name" label={t.name} value={v.name} error={errors.name}
          onInput={(x) => setV({ ...v, name: x, id: creating && !idTouched ? slug(x) : v.id })} />
        <TextField id="queue-id" name="id" label={t.queueId} hint={t.queueIdHint} value={v.id} error={errors.id} disabled={!creating}
          onInput={(x) => { setIdTouched(true); setV({ ...v, id: x }); }} />
        <NumberField id="queue-timeout" name="offerTimeoutSeconds" label={t.offerTimeout} hint={t.offerTimeoutHint} min={0} max={600}
          value={v.offerTimeoutSeconds} error={errors.offerTimeoutSeconds} onInput={(x) => setV({ ...v, offerTimeoutSeconds: x })} />
        <NumberField id="queue-priority" name="priority" label={t.priority} hint={t.priorityHint} min={0} max={9} value={v.priority}
          error={errors.priority} onInput={(x) => setV({ ...v, priority: x })} />
        <TextField id="queue-waiting" name="waitingText" label={t.waitingText} hint={t.waitingTextHint} multiline optional maxLength={500}
          value={v.waitingText} error={errors.waitingText} onInput={(x) => setV({ ...v, waitingText: x })} />
        <TextField id="queue-closed" name="closedText" label={t.closedText} hint={t.closedTextHint} multiline optional maxLength={500}
          value={v.closedText} error={errors.closedText} onInput={(x) => setV({ ...v, closedText: x })} />
        <div class="buttons">
          {queue && (
            <button type="button" class="quiet danger-text push-left" onClick={() => setConfirming(true)}>
              {t.remove}
            </button>
          )}
          <button type="button" onClick={onClose}>
            {t.cancel}
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t.saving : t.save}
          </button>
        </div>
      </form>
      {confirming && queue && (
        <Confirm title={fmt(t.removeQueueTitle, { name: queue.name })} text={t.removeQueueText} confirm={t.remove} danger busy={busy}
          error={confirmError} onConfirm={() => void remove()} onCancel={() => { setConfirming(false); setConfirmError(undefined); }} />
      )}
    </Panel>
  );
}
