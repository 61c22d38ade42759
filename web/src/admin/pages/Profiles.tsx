// Profiles: each a set of queues an agent works in. The list shows who
// works in each now; the panel says what a change does to them.

import { useRef, useState } from 'preact/hooks';
import type { ProfileAgent, Queue } from '../api';
import { CheckboxGroup, Confirm, FormBanner, LoadError, Loading, PageHeader, Panel, TextField } from '../components';
import { useAdmin } from '../context';
import { check, errorInfo, slug, type Errors } from '../form';
import { useFormState, useLoad } from '../hooks';
import { fmt } from '../texts';
import type { Profile } from '../types';

export function ProfilesPage() {
  const { t, api } = useAdmin();
  const data = useLoad(() => Promise.all([api.profiles(), api.queues()]));
  const [editing, setEditing] = useState<Profile | 'new' | null>(null);
  const [notice, setNotice] = useState('');
  const [profiles, queues] = data.data ?? [undefined, undefined];
  const queueName = (id: string) => queues?.queues.find((q) => q.id === id)?.name ?? id;
  return (
    <>
      <PageHeader
        title={t.navProfiles}
        intro={t.profilesIntro}
        action={
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            {t.newProfile}
          </button>
        }
      />
      <p class="banner ok" role="status" hidden={!notice}>
        {notice}
      </p>
      {data.error && <LoadError message={data.error} onRetry={data.reload} />}
      {!data.data && !data.error && <Loading />}
      {profiles && queues && (
        <section class="card">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.queues}</th>
                <th scope="col">{t.inUse}</th>
                <th scope="col">
                  <span class="visually-hidden">{t.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {profiles.profiles.map((p) => (
                <tr key={p.id}>
                  <td>
                    <span class="strong">{p.name}</span>
                    <span class="sub">{p.id}</span>
                  </td>
                  <td>
                    <ul class="chips">
                      {(p.queues ?? []).map((q) => (
                        <li key={q}>{queueName(q)}</li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <Agents agents={profiles.inUse[p.id]} />
                  </td>
                  <td class="row-actions">
                    <button type="button" onClick={() => setEditing(p)} aria-label={fmt(t.editName, { name: p.name })}>
                      {t.edit}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {profiles.profiles.length === 0 && <p class="muted empty">{t.noProfiles}</p>}
        </section>
      )}
      {editing && queues && profiles && (
        <ProfilePanel
          profile={editing === 'new' ? undefined : editing}
          queues={queues.queues}
          agents={editing === 'new' ? undefined : profiles.inUse[editing.id]}
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

function Agents({ agents }: { agents?: ProfileAgent[] }) {
  const { t } = useAdmin();
  if (!agents?.length) return <span class="muted">{t.nobody}</span>;
  return (
    <ul class="chips people">
      {agents.map((a) => (
        <li key={a.id} class={a.status}>
          {a.displayName} · {a.status === 'ready' ? t.statusReady : t.statusPaused}
        </li>
      ))}
    </ul>
  );
}

interface ProfilePanelProps {
  profile?: Profile;
  queues: Queue[];
  agents?: ProfileAgent[];
  onClose: () => void;
  onSaved: (notice: string) => void;
}

function ProfilePanel({ profile: initial, queues, agents, onClose, onSaved }: ProfilePanelProps) {
  const { t, reasons, api } = useAdmin();
  const [profile, setProfile] = useState(initial);
  const creating = !profile;
  const [v, setV] = useState({ id: initial?.id ?? '', name: initial?.name ?? '', queues: initial?.queues ?? [] });
  const [idTouched, setIdTouched] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const f = useFormState(form);
  const errors = f.errors;
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [confirmError, setConfirmError] = useState<string>();

  async function save(e: Event) {
    e.preventDefault();
    const errs: Errors = {};
    const idErr = creating ? check.id(t, reasons, v.id) : undefined;
    if (idErr) errs.id = idErr;
    const nameErr = check.name(t, reasons, v.name);
    if (nameErr) errs.name = nameErr;
    if (!f.check(errs)) return;
    setBusy(true);
    try {
      const r = creating
        ? await api.createProfile(v)
        : await api.updateProfile(profile.id, { version: profile.version ?? 0, name: v.name, queues: v.queues });
      onSaved(fmt(t.savedName, { name: r.profile.name }));
      onClose();
    } catch (err) {
      f.fail(err);
    } finally {
      setBusy(false);
    }
  }

  async function reload() {
    if (!profile) return;
    const r = await api.profiles();
    const fresh = r.profiles.find((p) => p.id === profile.id);
    if (!fresh) return onClose();
    setProfile(fresh);
    setV({ id: fresh.id, name: fresh.name, queues: fresh.queues ?? [] });
    f.reset();
  }

  async function remove() {
    if (!profile) return;
    setBusy(true);
    try {
      await api.deleteProfile(profile.id, profile.version ?? 0);
      onSaved(fmt(t.removedName, { name: profile.name }));
      onClose();
    } catch (err) {
      setConfirmError(errorInfo(err, t, reasons).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Panel title={creating ? t.newProfile : t.editProfile} onClose={onClose}>
      <form ref={form} onSubmit={save} noValidate>
        <FormBanner {...f.banner} onReload={() => void reload()} />
        <TextField id="profile-name" name="name" label={t.name} value={v.name} error={errors.name}
          onInput={(x) => setV({ ...v, name: x, id: creating && !idTouched ? slug(x) : v.id })} />
        <TextField id="profile-id" name="id" label={t.queueId} hint={t.queueIdHint} value={v.id} error={errors.id} disabled={!creating}
          onInput={(x) => { setIdTouched(true); setV({ ...v, id: x }); }} />
        <CheckboxGroup id="profile-queues" name="queues" legend={t.queues} value={v.queues} onChange={(x) => setV({ ...v, queues: x })}
          options={queues.map((q) => ({ value: q.id, label: q.name }))} empty={t.noQueuesYet} error={errors.queues} />
        {!creating && (
          <div class="note">
            <p>{t.profileChangeNote}</p>
            <p>
              <span class="label">{t.inUse}: </span>
              {agents?.length ? agents.map((a) => a.displayName).join(', ') : t.nobody}
            </p>
          </div>
        )}
        <div class="buttons">
          {profile && (
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
      {confirming && profile && (
        <Confirm title={fmt(t.deleteProfileTitle, { name: profile.name })} text={t.deleteProfileText} confirm={t.delete} danger busy={busy}
          error={confirmError} onConfirm={() => void remove()} onCancel={() => { setConfirming(false); setConfirmError(undefined); }} />
      )}
    </Panel>
  );
}
