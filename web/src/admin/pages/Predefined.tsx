// Predefined messages (R8): texts agents put into the message input by
// their title. Each is for everyone, for the chats of some queues, or for
// agents working in some profiles; its text may hold placeholders, filled
// in when an agent inserts it. The server refuses an unknown placeholder.

import { useRef, useState } from 'preact/hooks';
import type { Queue } from '../api';
import { CheckboxGroup, Confirm, FormBanner, LoadError, Loading, PageHeader, Panel, TextField } from '../components';
import { useAdmin } from '../context';
import { errorInfo, type Errors } from '../form';
import { useFormState, useLoad } from '../hooks';
import { fmt } from '../texts';
import type { Profile } from '../types';
import type { PredefinedMessage, PredefinedScope } from '../../common/protocol';

/** unknownPlaceholder returns the first placeholder of text that the server would refuse, or ''. */
export function unknownPlaceholder(text: string): string {
  for (const m of text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}/g)) {
    if (!['customer.name', 'agent.name', 'queue.name'].includes(m[1])) return m[0];
  }
  return '';
}

export function PredefinedPage() {
  const { t, api } = useAdmin();
  const data = useLoad(() => Promise.all([api.predefined(), api.queues(), api.profiles()]));
  const [editing, setEditing] = useState<PredefinedMessage | 'new' | null>(null);
  const [notice, setNotice] = useState('');
  const [list, queues, profiles] = data.data ?? [undefined, undefined, undefined];
  const queueName = (id: string) => queues?.queues.find((q) => q.id === id)?.name ?? id;
  const profileName = (id: string) => profiles?.profiles.find((p) => p.id === id)?.name ?? id;
  const forWhom = (m: PredefinedMessage) =>
    m.scope === 'queues' ? (m.queues ?? []).map(queueName) : m.scope === 'profiles' ? (m.profiles ?? []).map(profileName) : [t.everyone];
  return (
    <>
      <PageHeader
        title={t.navPredefined}
        intro={t.predefinedIntro}
        action={
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            {t.newPredefined}
          </button>
        }
      />
      <p class="banner ok" role="status" hidden={!notice}>
        {notice}
      </p>
      {data.error && <LoadError message={data.error} onRetry={data.reload} />}
      {!data.data && !data.error && <Loading />}
      {list && (
        <section class="card">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.predefinedTitle}</th>
                <th scope="col">{t.predefinedCategory}</th>
                <th scope="col">{t.predefinedFor}</th>
                <th scope="col">
                  <span class="visually-hidden">{t.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.messages.map((m) => (
                <tr key={m.id}>
                  <td>
                    <span class="strong">{m.title}</span>
                    <span class="sub">{m.text}</span>
                  </td>
                  <td>{m.category}</td>
                  <td>
                    <ul class="chips">
                      {forWhom(m).map((x) => (
                        <li key={x}>{x}</li>
                      ))}
                    </ul>
                  </td>
                  <td class="row-actions">
                    <button type="button" onClick={() => setEditing(m)} aria-label={fmt(t.editName, { name: m.title })}>
                      {t.edit}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.messages.length === 0 && <p class="muted empty">{t.noPredefined}</p>}
        </section>
      )}
      {editing && queues && profiles && (
        <PredefinedPanel
          message={editing === 'new' ? undefined : editing}
          queues={queues.queues}
          profiles={profiles.profiles}
          onClose={() => setEditing(null)}
          onSaved={(msg) => {
            setNotice(msg);
            data.reload();
          }}
        />
      )}
    </>
  );
}

interface PanelProps {
  message?: PredefinedMessage;
  queues: Queue[];
  profiles: Profile[];
  onClose: () => void;
  onSaved: (notice: string) => void;
}

function PredefinedPanel({ message: initial, queues, profiles, onClose, onSaved }: PanelProps) {
  const { t, reasons, api } = useAdmin();
  const [message, setMessage] = useState(initial);
  const creating = !message;
  const fromMessage = (m?: PredefinedMessage) => ({
    title: m?.title ?? '',
    text: m?.text ?? '',
    category: m?.category ?? '',
    scope: (m?.scope ?? 'everyone') as PredefinedScope,
    queues: m?.queues ?? [],
    profiles: m?.profiles ?? [],
  });
  const [v, setV] = useState(() => fromMessage(initial));
  const form = useRef<HTMLFormElement>(null);
  const f = useFormState(form);
  const errors = f.errors;
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [confirmError, setConfirmError] = useState<string>();

  async function save(e: Event) {
    e.preventDefault();
    const errs: Errors = {};
    if (!v.title.trim()) errs.title = reasons.predefined_title_required;
    if (!v.text.trim()) errs.text = reasons.predefined_text_required;
    const bad = unknownPlaceholder(v.text);
    if (bad) errs.text = fmt(t.placeholderUnknown, { placeholder: bad });
    if (v.scope === 'queues' && v.queues.length === 0) errs.queues = reasons.predefined_queues_required;
    if (v.scope === 'profiles' && v.profiles.length === 0) errs.profiles = reasons.predefined_profiles_required;
    if (!f.check(errs)) return;
    setBusy(true);
    try {
      const r = creating ? await api.createPredefined(v) : await api.updatePredefined(message.id, { version: message.version, ...v });
      onSaved(fmt(t.savedName, { name: r.message.title }));
      onClose();
    } catch (err) {
      f.fail(err);
    } finally {
      setBusy(false);
    }
  }

  async function reload() {
    if (!message) return;
    const r = await api.predefined();
    const fresh = r.messages.find((m) => m.id === message.id);
    if (!fresh) return onClose();
    setMessage(fresh);
    setV(fromMessage(fresh));
    f.reset();
  }

  async function remove() {
    if (!message) return;
    setBusy(true);
    try {
      await api.deletePredefined(message.id, message.version);
      onSaved(fmt(t.removedName, { name: message.title }));
      onClose();
    } catch (err) {
      setConfirmError(errorInfo(err, t, reasons).message);
    } finally {
      setBusy(false);
    }
  }

  const scopes: { s: PredefinedScope; label: string }[] = [
    { s: 'everyone', label: t.scopeEveryone },
    { s: 'queues', label: t.scopeQueues },
    { s: 'profiles', label: t.scopeProfiles },
  ];
  return (
    <Panel title={creating ? t.newPredefined : t.editPredefined} onClose={onClose}>
      <form ref={form} onSubmit={save} noValidate>
        <FormBanner {...f.banner} onReload={() => void reload()} />
        <TextField id="predefined-title" name="title" label={t.predefinedTitle} value={v.title} error={errors.title} maxLength={100}
          onInput={(x) => setV({ ...v, title: x })} />
        <TextField id="predefined-category" name="category" label={t.predefinedCategory} optional value={v.category} error={errors.category} maxLength={60}
          onInput={(x) => setV({ ...v, category: x })} />
        <TextField id="predefined-text" name="text" label={t.predefinedText} hint={t.predefinedTextHint} multiline value={v.text} error={errors.text}
          maxLength={5000} onInput={(x) => setV({ ...v, text: x })} />
        <fieldset class="field">
          <legend>{t.predefinedFor}</legend>
          {scopes.map((x) => (
            <label key={x.s} class="check">
              <input type="radio" name="predefined-scope" checked={v.scope === x.s} onChange={() => setV({ ...v, scope: x.s })} />
              <span>{x.label}</span>
            </label>
          ))}
        </fieldset>
        {v.scope === 'queues' && (
          <CheckboxGroup id="predefined-queues" name="queues" legend={t.queues} value={v.queues} onChange={(x) => setV({ ...v, queues: x })}
            options={queues.map((q) => ({ value: q.id, label: q.name }))} empty={t.noQueuesYet} error={errors.queues} />
        )}
        {v.scope === 'profiles' && (
          <CheckboxGroup id="predefined-profiles" name="profiles" legend={t.navProfiles} value={v.profiles} onChange={(x) => setV({ ...v, profiles: x })}
            options={profiles.map((p) => ({ value: p.id, label: p.name }))} empty={t.noProfilesYet} error={errors.profiles} />
        )}
        <div class="buttons">
          {message && (
            <button type="button" class="quiet danger-text push-left" onClick={() => setConfirming(true)}>
              {t.delete}
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
      {confirming && message && (
        <Confirm title={fmt(t.deletePredefinedTitle, { name: message.title })} text={t.deletePredefinedText} confirm={t.delete} danger busy={busy}
          error={confirmError} onConfirm={() => void remove()} onCancel={() => { setConfirming(false); setConfirmError(undefined); }} />
      )}
    </Panel>
  );
}
