// Staff sign-in (issue 18): the organisation's identity provider that
// agents, supervisors and administrators sign in at, how its groups map
// to roles and profiles, whether unknown users are created, and whether
// password sign-in is switched off for all but a break-glass
// administrator. The client secret is write-only: the field is empty, and
// left empty keeps the saved one.

import { useRef, useState } from 'preact/hooks';
import type { AgentSSO } from '../api';
import { FieldError, FormBanner, LoadError, Loading, PageHeader, SelectField, TextField } from '../components';
import { useAdmin } from '../context';
import type { Errors } from '../form';
import { formatDateTime, useFormState, useLoad } from '../hooks';
import { formatRoles, parseRoles, splitList } from '../sso';
import { fmt } from '../texts';
import type { Role } from '../types';
import { roleName } from './Users';

export function SignInPage() {
  const { t, api } = useAdmin();
  const data = useLoad(() => api.sso());
  return (
    <>
      <PageHeader title={t.navSignIn} intro={t.signInIntro} />
      {data.error && <LoadError message={data.error} onRetry={data.reload} />}
      {!data.data && !data.error && <Loading />}
      {data.data && <SSOForm key={data.data.sso.version} sso={data.data.sso} onReload={data.reload} />}
    </>
  );
}

function SSOForm({ sso: initial, onReload }: { sso: AgentSSO; onReload: () => void }) {
  const { t, api, lang } = useAdmin();
  const [sso, setSSO] = useState(initial);
  const [v, setV] = useState({
    name: initial.name,
    issuer: initial.issuer,
    clientId: initial.clientId,
    clientSecret: '',
    scopes: initial.scopes.join(' '),
    usernameClaim: initial.usernameClaim,
    groupsClaim: initial.groupsClaim,
    roles: formatRoles(initial.roles),
    defaultRole: initial.defaultRole ?? '',
    defaultProfiles: initial.defaultProfiles.join(', '),
    createUsers: initial.createUsers,
    passwordLoginOff: initial.passwordLoginOff,
    breakGlass: initial.breakGlass ?? '',
  });
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const fs = useFormState(form);
  const set = (k: keyof typeof v) => (x: string | boolean) => setV({ ...v, [k]: x });
  const redirect = `${location.origin}/sso/callback`;

  async function submit(e: Event) {
    e.preventDefault();
    const errs: Errors = {};
    const roles = parseRoles(v.roles);
    if (typeof roles === 'number') errs.roles = fmt(t.ssoRolesInvalid, { line: roles });
    if (!fs.check(errs) || typeof roles === 'number') return;
    setBusy(true);
    try {
      const r = await api.updateSSO({
        version: sso.version, name: v.name, issuer: v.issuer, clientId: v.clientId, scopes: splitList(v.scopes),
        usernameClaim: v.usernameClaim, groupsClaim: v.groupsClaim, roles, defaultRole: v.defaultRole as Role | '',
        defaultProfiles: splitList(v.defaultProfiles), createUsers: v.createUsers, passwordLoginOff: v.passwordLoginOff,
        breakGlass: v.breakGlass, ...(v.clientSecret !== '' ? { clientSecret: v.clientSecret } : {}),
      });
      setSSO(r.sso);
      setV({ ...v, clientSecret: '' });
      fs.setBanner({ saved: true });
    } catch (err) {
      fs.fail(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form ref={form} class="card" onSubmit={submit} noValidate aria-labelledby="sso-heading">
      <h2 id="sso-heading">{t.ssoProviderHeading}</h2>
      <FormBanner {...fs.banner} onReload={onReload} />
      <p class="hint">{fmt(t.ssoRedirect, { uri: redirect })}</p>
      <TextField id="sso-name" name="name" label={t.ssoName} hint={t.ssoNameHint} value={v.name} error={fs.errors.name} onInput={set('name')} />
      <TextField id="sso-issuer" name="issuer" label={t.ssoIssuer} hint={t.ssoIssuerHint} value={v.issuer} error={fs.errors.issuer} onInput={set('issuer')} />
      <TextField id="sso-client" name="clientId" label={t.ssoClientId} value={v.clientId} error={fs.errors.clientId} onInput={set('clientId')} />
      <TextField id="sso-secret" name="clientSecret" type="password" autoComplete="new-password" label={t.ssoClientSecret}
        hint={t.ssoClientSecretHint} value={v.clientSecret} error={fs.errors.clientSecret} onInput={set('clientSecret')} optional />
      <TextField id="sso-scopes" name="scopes" label={t.ssoScopes} hint={t.ssoScopesHint} value={v.scopes} onInput={set('scopes')} optional />
      <TextField id="sso-username" name="usernameClaim" label={t.ssoUsernameClaim} hint={t.ssoUsernameClaimHint} value={v.usernameClaim}
        onInput={set('usernameClaim')} optional />
      <TextField id="sso-groups" name="groupsClaim" label={t.ssoGroupsClaim} hint={t.ssoGroupsClaimHint} value={v.groupsClaim}
        onInput={set('groupsClaim')} optional />
      <TextField id="sso-roles" name="roles" label={t.ssoRoles} hint={t.ssoRolesHint} value={v.roles} error={fs.errors.roles} onInput={set('roles')}
        multiline optional />
      <SelectField id="sso-default-role" label={t.ssoDefaultRole} value={v.defaultRole} onChange={set('defaultRole')}
        options={[['', t.ssoRefused], ...(['agent', 'supervisor', 'admin'] as Role[]).map((r): [string, string] => [r, roleName(t, r)])]} />
      <TextField id="sso-default-profiles" name="defaultProfiles" label={t.ssoDefaultProfiles} hint={t.ssoDefaultProfilesHint}
        value={v.defaultProfiles} error={fs.errors.defaultProfiles} onInput={set('defaultProfiles')} optional />
      <fieldset class="field">
        <legend>{t.ssoUsers}</legend>
        <label class="check">
          <input id="sso-create" type="checkbox" checked={v.createUsers} onChange={(e) => set('createUsers')(e.currentTarget.checked)} />
          <span>{t.ssoCreateUsers}</span>
        </label>
      </fieldset>
      <fieldset class={`field${fs.errors.passwordLoginOff ? ' invalid' : ''}`}>
        <legend>{t.ssoPasswords}</legend>
        <label class="check">
          <input id="sso-password-off" data-field="passwordLoginOff" type="checkbox" checked={v.passwordLoginOff}
            aria-describedby="sso-password-off-hint" onChange={(e) => set('passwordLoginOff')(e.currentTarget.checked)} />
          <span>{t.ssoPasswordOff}</span>
        </label>
        <p class="hint" id="sso-password-off-hint">
          {t.ssoPasswordOffHint}
        </p>
        <FieldError id="sso-password-off" error={fs.errors.passwordLoginOff} />
      </fieldset>
      <TextField id="sso-break-glass" name="breakGlass" label={t.ssoBreakGlass} value={v.breakGlass} error={fs.errors.breakGlass}
        onInput={set('breakGlass')} optional />
      <div class="buttons start">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t.saving : t.save}
        </button>
        {sso.updatedAt && <span class="muted">{fmt(t.lastChanged, { when: formatDateTime(sso.updatedAt, lang) })}</span>}
      </div>
    </form>
  );
}
