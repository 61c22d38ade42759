// API tokens: who may call the REST API on whose behalf. A new token is
// shown once, here; the list shows only its first characters.

import { useRef, useState } from 'preact/hooks';
import type { APIToken, Scope } from '../api';
import { Confirm, FormBanner, LoadError, Loading, PageHeader, ShownOnce, TextField } from '../components';
import { useAdmin } from '../context';
import { check, errorInfo, focusFirstInvalid, type Errors } from '../form';
import { formatDateTime, useLoad } from '../hooks';
import { fmt, type Texts } from '../texts';

export function scopeName(t: Texts, s: Scope): string {
  return s === 'admin' ? t.scopeAdmin : s === 'write' ? t.scopeWrite : t.scopeRead;
}

export function TokensPage() {
  const { t, reasons, api, lang } = useAdmin();
  const data = useLoad(() => Promise.all([api.tokens(), api.users()]));
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<APIToken | null>(null);
  const [revokeError, setRevokeError] = useState<string>();
  const [tokens, users] = data.data ?? [undefined, undefined];
  const owner = (id: string) => users?.users.find((u) => u.id === id)?.displayName ?? id;

  async function revoke() {
    if (!revoking) return;
    try {
      await api.revokeToken(revoking.id);
      setRevoking(null);
      data.reload();
    } catch (err) {
      setRevokeError(errorInfo(err, t, reasons).message);
    }
  }

  return (
    <>
      <PageHeader
        title={t.navTokens}
        intro={t.tokensIntro}
        action={
          !creating && (
            <button type="button" class="primary" onClick={() => setCreating(true)}>
              {t.newToken}
            </button>
          )
        }
      />
      {creating && <NewToken onDone={() => setCreating(false)} onCreated={data.reload} />}
      {data.error && <LoadError message={data.error} onRetry={data.reload} />}
      {!data.data && !data.error && <Loading />}
      {tokens && (
        <section class="card">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.scope}</th>
                <th scope="col">{t.token}</th>
                <th scope="col">{t.owner}</th>
                <th scope="col">{t.created}</th>
                <th scope="col">{t.lastUsed}</th>
                <th scope="col">
                  <span class="visually-hidden">{t.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.tokens.map((k) => (
                <tr key={k.id} class={k.revokedAt ? 'inactive' : ''}>
                  <td class="strong">{k.name}</td>
                  <td>
                    <span class={`badge scope-${k.scope}`}>{scopeName(t, k.scope)}</span>
                  </td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{owner(k.userId)}</td>
                  <td>{formatDateTime(k.createdAt, lang)}</td>
                  <td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt, lang) : t.never}</td>
                  <td class="row-actions">
                    {k.revokedAt ? (
                      <span class="badge off">{t.revoked}</span>
                    ) : (
                      <button type="button" class="danger-text" aria-label={`${t.revoke}: ${k.name}`} onClick={() => setRevoking(k)}>
                        {t.revoke}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {tokens.tokens.length === 0 && <p class="muted empty">{t.noTokens}</p>}
        </section>
      )}
      {revoking && (
        <Confirm title={fmt(t.revokeTitle, { name: revoking.name })} text={t.revokeText} confirm={t.revoke} danger error={revokeError}
          onConfirm={() => void revoke()} onCancel={() => { setRevoking(null); setRevokeError(undefined); }} />
      )}
    </>
  );
}

function NewToken({ onDone, onCreated }: { onDone: () => void; onCreated: () => void }) {
  const { t, reasons, api } = useAdmin();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('read');
  const [errors, setErrors] = useState<Errors>({});
  const [banner, setBanner] = useState<{ error?: string; invalid?: boolean }>({});
  const [token, setToken] = useState<string>();
  const form = useRef<HTMLFormElement>(null);

  async function create(e: Event) {
    e.preventDefault();
    const err = check.name(t, reasons, name);
    if (err) {
      setErrors({ name: err });
      setBanner({ invalid: true });
      focusFirstInvalid(form.current, { name: err });
      return;
    }
    try {
      const r = await api.createToken(name, scope);
      setToken(r.token);
      onCreated();
      setTimeout(() => document.getElementById('token-value')?.focus(), 0);
    } catch (er) {
      const info = errorInfo(er, t, reasons);
      if (info.field) setErrors({ [info.field]: info.message });
      setBanner({ error: info.field ? undefined : info.message, invalid: !!info.field });
    }
  }

  if (token) {
    return <ShownOnce id="token-value" heading={t.tokenCreated} label={t.tokenValue} value={token} onDone={onDone} />;
  }
  const scopes: { s: Scope; label: string; hint: string }[] = [
    { s: 'read', label: t.scopeRead, hint: t.scopeReadHint },
    { s: 'write', label: t.scopeWrite, hint: t.scopeWriteHint },
    { s: 'admin', label: t.scopeAdmin, hint: t.scopeAdminHint },
  ];
  return (
    <form ref={form} class="card" onSubmit={create} noValidate aria-labelledby="new-token-heading">
      <h2 id="new-token-heading">{t.newToken}</h2>
      <FormBanner {...banner} />
      <TextField id="token-name" name="name" label={t.tokenName} hint={t.tokenNameHint} value={name} error={errors.name} onInput={setName} />
      <fieldset class="field">
        <legend>{t.scope}</legend>
        {scopes.map((x) => (
          <label key={x.s} class="check option">
            <input type="radio" name="token-scope" checked={scope === x.s} onChange={() => setScope(x.s)} aria-describedby={`scope-${x.s}-hint`} />
            <span>
              <span class="strong">{x.label}</span>
              <span class="sub" id={`scope-${x.s}-hint`}>
                {x.hint}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <div class="buttons start">
        <button type="button" onClick={onDone}>
          {t.cancel}
        </button>
        <button type="submit" class="primary">
          {t.createToken}
        </button>
      </div>
    </form>
  );
}
