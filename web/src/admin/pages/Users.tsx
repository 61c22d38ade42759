// Users: the list (who is active, who is online now) and the side panel
// that creates or edits one — role, capacity, the profiles they may use,
// password, deactivation.

import { useMemo, useRef, useState } from 'preact/hooks';
import type { NewUser, Presence } from '../api';
import { CheckboxGroup, Confirm, Field, FormBanner, LoadError, Loading, NumberField, PageHeader, Panel, TextField, fieldProps } from '../components';
import { useAdmin } from '../context';
import { check, errorInfo, type Errors } from '../form';
import { useFormState, useLoad } from '../hooks';
import { fmt, type Texts } from '../texts';
import type { Profile, Role, User } from '../types';

export function roleName(t: Texts, r: Role): string {
  return r === 'admin' ? t.roleAdmin : r === 'supervisor' ? t.roleSupervisor : t.roleAgent;
}

export function UsersPage() {
  const { t, api } = useAdmin();
  const users = useLoad(() => Promise.all([api.users(), api.profiles()]));
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [query, setQuery] = useState('');
  const [notice, setNotice] = useState('');

  const [list, profiles] = users.data ?? [undefined, undefined];
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (list?.users ?? []).filter((u) => !q || u.displayName.toLowerCase().includes(q) || u.username.includes(q));
  }, [list, query]);
  const profileName = (id: string) => profiles?.profiles.find((p) => p.id === id)?.name ?? id;

  return (
    <>
      <PageHeader
        title={t.navUsers}
        intro={t.usersIntro}
        action={
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            {t.newUser}
          </button>
        }
      />
      <p class="banner ok" role="status" hidden={!notice}>
        {notice}
      </p>
      {users.error && <LoadError message={users.error} onRetry={users.reload} />}
      {!users.data && !users.error && <Loading />}
      {list && profiles && (
        <section class="card">
          <div class="toolbar">
            <label for="user-search" class="visually-hidden">
              {t.findUser}
            </label>
            <input id="user-search" type="search" placeholder={t.findUser} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          </div>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.role}</th>
                <th scope="col" class="num">
                  {t.capacity}
                </th>
                <th scope="col">{t.profiles}</th>
                <th scope="col">{t.status}</th>
                <th scope="col">
                  <span class="visually-hidden">{t.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((u) => (
                <tr key={u.id} class={u.deactivatedAt ? 'inactive' : ''}>
                  <td>
                    <span class="strong">{u.displayName}</span>
                    <span class="sub">{u.username}</span>
                  </td>
                  <td>{roleName(t, u.role)}</td>
                  <td class="num">{u.capacity}</td>
                  <td>
                    <ul class="chips">
                      {(u.profiles ?? []).map((p) => (
                        <li key={p}>{profileName(p)}</li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <UserStatus user={u} presence={list.online[u.id]} />
                  </td>
                  <td class="row-actions">
                    <button type="button" onClick={() => setEditing(u)} aria-label={fmt(t.editName, { name: u.displayName })}>
                      {t.edit}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 && <p class="muted empty">{t.noUsersMatch}</p>}
        </section>
      )}
      {editing && profiles && (
        <UserPanel
          user={editing === 'new' ? undefined : editing}
          profiles={profiles.profiles}
          onClose={() => setEditing(null)}
          onSaved={(msg) => {
            setNotice(msg ?? '');
            users.reload();
          }}
        />
      )}
    </>
  );
}

function UserStatus({ user, presence }: { user: User; presence?: Presence }) {
  const { t } = useAdmin();
  if (user.deactivatedAt) return <span class="badge off">{t.deactivated}</span>;
  if (!presence) return <span class="badge">{t.active}</span>;
  const status = presence.status === 'ready' ? t.statusReady : t.statusPaused;
  return (
    <span class={`badge on ${presence.status}`}>
      {presence.load > 0 ? fmt(t.onlineChats, { status, count: presence.load }) : fmt(t.online, { status })}
    </span>
  );
}

interface UserPanelProps {
  user?: User;
  profiles: Profile[];
  onClose: () => void;
  /** onSaved hears of a change, with what to tell when the panel closed for it. */
  onSaved: (notice?: string) => void;
}

function UserPanel({ user: initial, profiles, onClose, onSaved }: UserPanelProps) {
  const { t, reasons, api, me } = useAdmin();
  const [user, setUser] = useState(initial);
  const creating = !user;
  const [v, setV] = useState<NewUser>(() => ({
    username: initial?.username ?? '',
    displayName: initial?.displayName ?? '',
    role: initial?.role ?? 'agent',
    capacity: initial?.capacity ?? 3,
    profiles: initial?.profiles ?? [],
    password: '',
  }));
  const form = useRef<HTMLFormElement>(null);
  const f = useFormState(form);
  const errors = f.errors;
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState<'deactivate' | 'delete' | null>(null);
  const [confirmError, setConfirmError] = useState<string>();
  const [password, setPassword] = useState('');
  const [passwordMsg, setPasswordMsg] = useState<{ error?: string; ok?: string }>({});
  const set = <K extends keyof NewUser>(k: K, val: NewUser[K]) => setV({ ...v, [k]: val });
  const self = !!user && me?.id === user.id;

  function validate(): Errors {
    const e: Errors = {};
    const put = (k: string, msg: string | undefined) => msg && (e[k] = msg);
    if (creating) {
      put('username', check.username(t, reasons, v.username.trim()));
      put('password', check.password(t, reasons, v.password));
    }
    put('displayName', check.name(t, reasons, v.displayName));
    put('capacity', check.range(reasons, v.capacity, 1, 20));
    return e;
  }

  async function save(e: Event) {
    e.preventDefault();
    if (!f.check(validate())) return;
    setBusy(true);
    try {
      const r = creating
        ? await api.createUser({ ...v, username: v.username.trim() })
        : await api.updateUser(user.id, { version: user.version ?? 0, displayName: v.displayName, role: v.role, capacity: v.capacity,
            profiles: v.profiles });
      onSaved(fmt(t.savedName, { name: r.user.displayName }));
      onClose();
    } catch (err) {
      f.fail(err);
    } finally {
      setBusy(false);
    }
  }

  async function reload() {
    if (!user) return;
    const r = await api.users();
    const fresh = r.users.find((u) => u.id === user.id);
    if (!fresh) return onClose();
    setUser(fresh);
    setV({ ...v, displayName: fresh.displayName, role: fresh.role, capacity: fresh.capacity, profiles: fresh.profiles ?? [] });
    f.reset();
  }

  async function setActive(active: boolean) {
    if (!user) return;
    setBusy(true);
    setConfirmError(undefined);
    try {
      const r = await api.updateUser(user.id, { version: user.version ?? 0, active });
      setUser(r.user);
      setConfirm(null);
      onSaved();
    } catch (err) {
      setConfirmError(errorInfo(err, t, reasons).message);
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!user) return;
    setBusy(true);
    setConfirmError(undefined);
    try {
      await api.deleteUser(user.id, user.version ?? 0);
      onSaved(fmt(t.removedName, { name: user.displayName }));
      onClose();
    } catch (err) {
      setConfirmError(errorInfo(err, t, reasons).message);
    } finally {
      setBusy(false);
    }
  }

  async function submitPassword(e: Event) {
    e.preventDefault();
    if (!user) return;
    const msg = check.password(t, reasons, password);
    if (msg) return setPasswordMsg({ error: msg });
    try {
      await api.setPassword(user.id, password);
      setPassword('');
      setPasswordMsg({ ok: fmt(t.passwordSet, { name: user.displayName }) });
    } catch (err) {
      setPasswordMsg({ error: errorInfo(err, t, reasons).message });
    }
  }

  return (
    <Panel title={creating ? t.newUser : t.editUser} onClose={onClose}>
      <form ref={form} onSubmit={save} noValidate>
        <FormBanner {...f.banner} onReload={() => void reload()} />
        {user?.deactivatedAt && <p class="banner warning">{fmt(t.deactivatedNote, { name: user.displayName })}</p>}
        {creating ? (
          <TextField id="user-username" name="username" label={t.username} hint={t.usernameHint} value={v.username}
            onInput={(x) => set('username', x)} error={errors.username} />
        ) : (
          <Field id="user-username" label={t.username}>
            <input id="user-username" value={user.username} disabled />
          </Field>
        )}
        <TextField id="user-display-name" name="displayName" label={t.displayName} hint={t.displayNameHint} value={v.displayName}
          onInput={(x) => set('displayName', x)} error={errors.displayName} />
        <Field id="user-role" label={t.role} error={errors.role}>
          <select {...fieldProps('user-role', 'role', undefined, errors.role)} value={v.role} disabled={self}
            onChange={(e) => set('role', e.currentTarget.value as Role)}>
            <option value="agent">{t.roleAgent}</option>
            <option value="supervisor">{t.roleSupervisor}</option>
            <option value="admin">{t.roleAdmin}</option>
          </select>
        </Field>
        <NumberField id="user-capacity" name="capacity" label={t.capacity} hint={t.capacityHint} min={1} max={20} value={v.capacity}
          onInput={(x) => set('capacity', x)} error={errors.capacity} />
        <CheckboxGroup id="user-profiles" name="profiles" legend={t.profiles} value={v.profiles} onChange={(x) => set('profiles', x)}
          options={profiles.map((p) => ({ value: p.id, label: p.name }))} empty={t.noProfilesYet} error={errors.profiles} />
        {creating && (
          <TextField id="user-password" name="password" label={t.password} hint={t.passwordHint} type="password" autoComplete="new-password"
            value={v.password} onInput={(x) => set('password', x)} error={errors.password} />
        )}
        <div class="buttons">
          <button type="button" onClick={onClose}>
            {t.cancel}
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t.saving : t.save}
          </button>
        </div>
      </form>

      {user && (
        <>
          <form class="section" onSubmit={submitPassword} noValidate>
            <h3>{t.passwordSection}</h3>
            <TextField id="user-new-password" name="newPassword" label={t.newPassword} hint={t.passwordHint} type="password"
              autoComplete="new-password" value={password} onInput={setPassword} error={passwordMsg.error} />
            {passwordMsg.ok && (
              <p class="banner ok" role="status">
                {passwordMsg.ok}
              </p>
            )}
            <button type="submit">{t.setPassword}</button>
          </form>
          {!self && (
            <section class="section">
              <h3>{t.accountSection}</h3>
              <div class="buttons start">
                {user.deactivatedAt ? (
                  <button type="button" onClick={() => void setActive(true)} disabled={busy}>
                    {t.reactivate}
                  </button>
                ) : (
                  <button type="button" class="danger" onClick={() => setConfirm('deactivate')}>
                    {t.deactivate}
                  </button>
                )}
                <button type="button" class="quiet danger-text" onClick={() => setConfirm('delete')}>
                  {t.delete}
                </button>
              </div>
            </section>
          )}
        </>
      )}
      {confirm === 'deactivate' && user && (
        <Confirm title={fmt(t.deactivateTitle, { name: user.displayName })} text={fmt(t.deactivateText, { name: user.displayName })}
          confirm={t.deactivate} danger busy={busy} error={confirmError} onConfirm={() => void setActive(false)}
          onCancel={() => { setConfirm(null); setConfirmError(undefined); }} />
      )}
      {confirm === 'delete' && user && (
        <Confirm title={fmt(t.deleteUserTitle, { name: user.displayName })} text={t.deleteUserText} confirm={t.delete} danger busy={busy}
          error={confirmError} onConfirm={() => void remove()} onCancel={() => { setConfirm(null); setConfirmError(undefined); }} />
      )}
    </Panel>
  );
}
