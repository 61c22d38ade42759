// Webhooks: the addresses that hear of chats as they happen. A new
// endpoint's signing secret (and a rotated one) is shown once, here; each
// endpoint has a delivery log with "Send again".

import { useRef, useState } from 'preact/hooks';
import type { Webhook, WebhookDelivery, WebhookType } from '../api';
import { CheckboxGroup, Confirm, FormBanner, LoadError, Loading, PageHeader, ShownOnce, TextField } from '../components';
import { useAdmin } from '../context';
import { errorInfo, focusFirstInvalid, type Errors } from '../form';
import { formatDateTime, useLoad } from '../hooks';
import { fmt, type TextKey, type Texts } from '../texts';

const eventNames: Record<WebhookType, TextKey> = {
  'chat.started': 'evChatStarted',
  'chat.offered': 'evChatOffered',
  'chat.accepted': 'evChatAccepted',
  'chat.ended': 'evChatEnded',
  'message.sent': 'evMessageSent',
  'chat.transferred': 'evChatTransferred',
  'transcript.sent': 'evTranscriptSent',
};

export function eventName(t: Texts, e: WebhookType): string {
  return eventNames[e] ? t[eventNames[e]] : e;
}

function status(t: Texts, w: Webhook): { label: string; cls: string } {
  if (w.pausedAt) return { label: w.pausedReason === 'failing' ? t.webhookPausedFailing : t.webhookPaused, cls: 'off' };
  if (w.failures > 0) return { label: fmt(t.webhookFailing, { failures: w.failures }), cls: 'hook-warn' };
  return { label: t.webhookActive, cls: 'hook-on' };
}

export function WebhooksPage() {
  const { t, reasons, api, lang } = useAdmin();
  const data = useLoad(() => api.webhooks());
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string>();
  const [confirm, setConfirm] = useState<{ w: Webhook; what: 'rotate' | 'delete' } | null>(null);
  const [confirmError, setConfirmError] = useState<string>();
  const [rowError, setRowError] = useState<string>();
  const [log, setLog] = useState<Webhook | null>(null);
  const [editing, setEditing] = useState<Webhook | null>(null);

  function showSecret(s: string) {
    setSecret(s);
    setTimeout(() => document.getElementById('webhook-secret')?.focus(), 0);
  }

  async function act() {
    if (!confirm) return;
    try {
      if (confirm.what === 'rotate') showSecret((await api.rotateWebhook(confirm.w.id)).secret);
      else {
        await api.deleteWebhook(confirm.w.id);
        if (log?.id === confirm.w.id) setLog(null);
      }
      setConfirm(null);
      setConfirmError(undefined);
      data.reload();
    } catch (err) {
      setConfirmError(errorInfo(err, t, reasons).message);
    }
  }

  async function setPaused(w: Webhook, paused: boolean) {
    try {
      setRowError(undefined);
      await api.updateWebhook(w.id, { paused, version: w.version });
      data.reload();
    } catch (err) {
      setRowError(errorInfo(err, t, reasons).message);
    }
  }

  return (
    <>
      <PageHeader
        title={t.navWebhooks}
        intro={t.webhooksIntro}
        action={
          !creating &&
          !secret && (
            <button
              type="button"
              class="primary"
              onClick={() => {
                setEditing(null);
                setCreating(true);
              }}
            >
              {t.newWebhook}
            </button>
          )
        }
      />
      {secret && <ShownOnce id="webhook-secret" heading={t.webhookCreated} label={t.webhookSecret} value={secret} onDone={() => setSecret(undefined)} />}
      {editing && (
        <WebhookForm
          key={editing.id}
          events={data.data?.events ?? []}
          editing={editing}
          onDone={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            data.reload();
          }}
        />
      )}
      {creating && (
        <WebhookForm
          events={data.data?.events ?? []}
          onDone={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            showSecret(s);
            data.reload();
          }}
        />
      )}
      {data.error && <LoadError message={data.error} onRetry={data.reload} />}
      {!data.data && !data.error && <Loading />}
      {rowError && <FormBanner error={rowError} />}
      {data.data && (
        <section class="card">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.webhookURL}</th>
                <th scope="col">{t.webhookEvents}</th>
                <th scope="col">{t.webhookStatus}</th>
                <th scope="col">{t.created}</th>
                <th scope="col">
                  <span class="visually-hidden">{t.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.data.webhooks.map((w) => {
                const st = status(t, w);
                const name = w.description || w.url;
                return (
                  <tr key={w.id} class={w.pausedAt ? 'inactive' : ''}>
                    <td>
                      <span class="strong">{w.description || w.url}</span>
                      {w.description && <span class="sub">{w.url}</span>}
                    </td>
                    <td>
                      {w.events.map((e) => eventName(t, e)).join(', ')}
                      {w.includePrivate && <span class="sub">{t.webhookIncludePrivate}</span>}
                    </td>
                    <td>
                      <span class={`badge ${st.cls}`}>{st.label}</span>
                    </td>
                    <td>{formatDateTime(w.createdAt, lang)}</td>
                    <td class="row-actions">
                      <button type="button" aria-label={`${t.deliveries}: ${name}`} onClick={() => setLog(w)}>
                        {t.deliveries}
                      </button>
                      <button type="button" aria-label={`${t.edit}: ${name}`} onClick={() => {
                          setCreating(false);
                          setEditing(w);
                        }}
                      >
                        {t.edit}
                      </button>
                      <button type="button" aria-label={`${w.pausedAt ? t.resume : t.pause}: ${name}`} onClick={() => void setPaused(w, !w.pausedAt)}>
                        {w.pausedAt ? t.resume : t.pause}
                      </button>
                      <button type="button" aria-label={`${t.rotateSecret}: ${name}`} onClick={() => setConfirm({ w, what: 'rotate' })}>
                        {t.rotateSecret}
                      </button>
                      <button type="button" class="danger-text" aria-label={`${t.delete}: ${name}`} onClick={() => setConfirm({ w, what: 'delete' })}>
                        {t.delete}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {data.data.webhooks.length === 0 && <p class="muted empty">{t.noWebhooks}</p>}
        </section>
      )}
      {log && <Deliveries webhook={log} onClose={() => setLog(null)} />}
      {confirm && (
        <Confirm
          title={fmt(confirm.what === 'rotate' ? t.rotateTitle : t.deleteWebhookTitle, { name: confirm.w.description || confirm.w.url })}
          text={confirm.what === 'rotate' ? t.rotateText : t.deleteWebhookText}
          confirm={confirm.what === 'rotate' ? t.rotateSecret : t.delete}
          danger={confirm.what === 'delete'}
          error={confirmError}
          onConfirm={() => void act()}
          onCancel={() => {
            setConfirm(null);
            setConfirmError(undefined);
          }}
        />
      )}
    </>
  );
}

function Deliveries({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const { t, reasons, api, lang } = useAdmin();
  const data = useLoad(() => api.webhookDeliveries(webhook.id));
  const [note, setNote] = useState<{ ok?: string; error?: string }>({});

  async function resend(d: WebhookDelivery) {
    try {
      await api.resendWebhook(webhook.id, d.id);
      setNote({ ok: t.sentAgain });
      setTimeout(data.reload, 1000);
    } catch (err) {
      setNote({ error: errorInfo(err, t, reasons).message });
    }
  }

  return (
    <section class="card" aria-labelledby="deliveries-heading">
      <div class="card-head">
        <h2 id="deliveries-heading">{fmt(t.deliveriesOf, { name: webhook.description || webhook.url })}</h2>
        <div class="buttons">
          <button type="button" onClick={data.reload}>
            {t.refresh}
          </button>
          <button type="button" onClick={onClose}>
            {t.close}
          </button>
        </div>
      </div>
      <p role="status" class="muted">
        {note.ok ?? ''}
      </p>
      {note.error && <FormBanner error={note.error} />}
      {data.error && <LoadError message={data.error} onRetry={data.reload} />}
      {!data.data && !data.error && <Loading />}
      {data.data && (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{t.time}</th>
              <th scope="col">{t.event}</th>
              <th scope="col">{t.httpStatus}</th>
              <th scope="col">{t.duration}</th>
              <th scope="col">{t.response}</th>
              <th scope="col">
                <span class="visually-hidden">{t.actions}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.data.deliveries.map((d) => (
              <tr key={d.id}>
                <td>{formatDateTime(d.time, lang)}</td>
                <td>
                  {eventName(t, d.type)}
                  <span class="sub">
                    <code>{d.messageId}</code>
                  </span>
                </td>
                <td>
                  <span class={`badge ${d.ok ? 'hook-on' : 'hook-warn'}`}>{d.status || t.noAnswer}</span>
                </td>
                <td>{fmt(t.durationMs, { ms: d.durationMs })}</td>
                <td>
                  <code class="excerpt">{d.response}</code>
                </td>
                <td class="row-actions">
                  <button type="button" aria-label={`${t.sendAgain}: ${d.messageId}`} onClick={() => void resend(d)}>
                    {t.sendAgain}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data.data?.deliveries.length === 0 && <p class="muted empty">{t.noDeliveries}</p>}
    </section>
  );
}

interface FormProps {
  events: WebhookType[];
  /** editing is the endpoint to change; without it the form adds one. */
  editing?: Webhook;
  onDone: () => void;
  /** onCreated gets a new endpoint's secret; onSaved is told of a change. */
  onCreated?: (secret: string) => void;
  onSaved?: () => void;
}

/** WebhookForm adds an endpoint, or changes one. */
function WebhookForm({ events, editing, onDone, onCreated, onSaved }: FormProps) {
  const { t, reasons, api } = useAdmin();
  const [url, setURL] = useState(editing?.url ?? 'https://');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [chosen, setChosen] = useState<string[]>(editing?.events ?? ['chat.started', 'chat.ended']);
  const [includePrivate, setIncludePrivate] = useState(editing?.includePrivate ?? false);
  const [allowInsecure, setAllowInsecure] = useState(editing?.allowInsecure ?? false);
  const [errors, setErrors] = useState<Errors>({});
  const [banner, setBanner] = useState<{ error?: string; invalid?: boolean; stale?: boolean }>({});
  const form = useRef<HTMLFormElement>(null);

  async function create(e: Event) {
    e.preventDefault();
    const errs: Errors = {};
    if (!url.trim() || url.trim() === 'https://') errs.url = reasons.required;
    if (chosen.length === 0) errs.events = reasons.webhook_events_required;
    if (Object.keys(errs).length) {
      setErrors(errs);
      setBanner({ invalid: true });
      focusFirstInvalid(form.current, errs);
      return;
    }
    try {
      const fields = { url: url.trim(), description, events: chosen as WebhookType[], includePrivate, allowInsecure };
      if (editing) {
        await api.updateWebhook(editing.id, { ...fields, version: editing.version });
        onSaved?.();
      } else {
        onCreated?.((await api.createWebhook(fields)).secret);
      }
    } catch (er) {
      const info = errorInfo(er, t, reasons);
      if (info.field) setErrors({ [info.field]: info.message });
      setBanner({ error: info.field ? undefined : info.message, invalid: !!info.field, stale: info.stale });
      if (info.field) focusFirstInvalid(form.current, { [info.field]: info.message });
    }
  }

  return (
    <form ref={form} class="card" onSubmit={create} noValidate aria-labelledby="webhook-form-heading">
      <h2 id="webhook-form-heading">{editing ? fmt(t.editWebhook, { name: editing.description || editing.url }) : t.newWebhook}</h2>
      <FormBanner {...banner} />
      <TextField id="webhook-url" name="url" label={t.webhookURL} hint={t.webhookURLHint} value={url} error={errors.url} onInput={setURL} />
      <TextField id="webhook-description" name="description" label={t.webhookDescription} optional maxLength={200} value={description}
        error={errors.description} onInput={setDescription} />
      <CheckboxGroup id="webhook-events" name="events" legend={t.webhookEvents} value={chosen} onChange={setChosen} error={errors.events}
        options={events.map((e) => ({ value: e, label: eventName(t, e) }))} />
      <label class="check option">
        <input type="checkbox" checked={includePrivate} onChange={(e) => setIncludePrivate(e.currentTarget.checked)} aria-describedby="webhook-private-hint" />
        <span>
          <span class="strong">{t.webhookIncludePrivate}</span>
          <span class="sub" id="webhook-private-hint">
            {t.webhookIncludePrivateHint}
          </span>
        </span>
      </label>
      <label class="check option">
        <input type="checkbox" checked={allowInsecure} onChange={(e) => setAllowInsecure(e.currentTarget.checked)} aria-describedby="webhook-insecure-hint" />
        <span>
          <span class="strong">{t.webhookAllowInsecure}</span>
          <span class="sub" id="webhook-insecure-hint">
            {t.webhookAllowInsecureHint}
          </span>
        </span>
      </label>
      <div class="buttons start">
        <button type="button" onClick={onDone}>
          {t.cancel}
        </button>
        <button type="submit" class="primary">
          {editing ? t.save : t.createWebhook}
        </button>
      </div>
    </form>
  );
}
