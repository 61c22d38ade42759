// Signed-in customers (R6): the keys the organisation's website signs its
// customers' identity tokens with. An HS256 key's secret is made here and
// shown once; a public key (ES256, EdDSA, RS256) is pasted in as PEM. Keys
// are rotated with an overlap (add the new one, move the website to it,
// revoke the old) and revoked at once. docs/identifying-customers.md says
// how the website signs.

import { useRef, useState } from 'preact/hooks';
import type { IdentityAlg, IdentityKey } from '../api';
import { Confirm, FormBanner, LoadError, Loading, PageHeader, ShownOnce, TextField } from '../components';
import { useAdmin } from '../context';
import { errorInfo, focusFirstInvalid, type Errors } from '../form';
import { formatDateTime, useLoad } from '../hooks';
import { fmt } from '../texts';

const algs: IdentityAlg[] = ['EdDSA', 'ES256', 'RS256', 'HS256'];

export function IdentityPage() {
  const { t, reasons, api, lang } = useAdmin();
  const data = useLoad(() => api.identity());
  const [adding, setAdding] = useState(false);
  const [revoking, setRevoking] = useState<IdentityKey | null>(null);
  const [revokeError, setRevokeError] = useState<string>();
  const id = data.data?.identity;

  async function revoke() {
    if (!revoking) return;
    try {
      await api.revokeIdentityKey(revoking.kid);
      setRevoking(null);
      data.reload();
    } catch (err) {
      setRevokeError(errorInfo(err, t, reasons).message);
    }
  }

  return (
    <>
      <PageHeader
        title={t.navIdentity}
        intro={t.identityIntro}
        action={
          !adding && (
            <button type="button" class="primary" onClick={() => setAdding(true)}>
              {t.newKey}
            </button>
          )
        }
      />
      {adding && <NewKey onDone={() => setAdding(false)} onAdded={data.reload} />}
      {data.error && <LoadError message={data.error} onRetry={data.reload} />}
      {!data.data && !data.error && <Loading />}
      {id && (
        <>
          <section class="card" aria-labelledby="identity-rules">
            <h2 id="identity-rules">{t.identityRules}</h2>
            <dl class="facts">
              <dt>{t.audience}</dt>
              <dd>
                <code>{id.audience}</code>
              </dd>
              <dt>{t.tokenLifetime}</dt>
              <dd>{fmt(t.seconds, { n: id.maxLifetimeSeconds })}</dd>
            </dl>
          </section>
          <section class="card" aria-labelledby="identity-keys">
            <h2 id="identity-keys">{t.identityKeys}</h2>
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">{t.keyId}</th>
                  <th scope="col">{t.algorithm}</th>
                  <th scope="col">{t.created}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t.actions}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {id.keys.map((k) => (
                  <tr key={k.kid} class={k.revokedAt ? 'inactive' : ''}>
                    <td class="strong">
                      <code>{k.kid}</code>
                    </td>
                    <td>{k.alg}</td>
                    <td>{formatDateTime(k.createdAt, lang)}</td>
                    <td class="row-actions">
                      {k.revokedAt ? (
                        <span class="badge off">{t.revoked}</span>
                      ) : (
                        <button type="button" class="danger-text" aria-label={`${t.revoke}: ${k.kid}`} onClick={() => setRevoking(k)}>
                          {t.revoke}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {id.keys.length === 0 && <p class="muted empty">{t.noKeys}</p>}
          </section>
        </>
      )}
      {revoking && (
        <Confirm
          title={fmt(t.revokeTitle, { name: revoking.kid })}
          text={t.revokeKeyText}
          confirm={t.revoke}
          danger
          error={revokeError}
          onConfirm={() => void revoke()}
          onCancel={() => {
            setRevoking(null);
            setRevokeError(undefined);
          }}
        />
      )}
    </>
  );
}

function NewKey({ onDone, onAdded }: { onDone: () => void; onAdded: () => void }) {
  const { t, reasons, api } = useAdmin();
  const [kid, setKid] = useState('');
  const [alg, setAlg] = useState<IdentityAlg>('EdDSA');
  const [pem, setPem] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [banner, setBanner] = useState<{ error?: string; invalid?: boolean }>({});
  const [secret, setSecret] = useState<string>();
  const form = useRef<HTMLFormElement>(null);

  async function add(e: Event) {
    e.preventDefault();
    if (alg !== 'HS256' && !pem.trim()) {
      const errs = { publicKey: t.publicKeyRequired };
      setErrors(errs);
      setBanner({ invalid: true });
      focusFirstInvalid(form.current, errs);
      return;
    }
    try {
      const r = await api.addIdentityKey(kid.trim(), alg, alg === 'HS256' ? '' : pem);
      onAdded();
      if (r.secret) setSecret(r.secret);
      else onDone();
    } catch (er) {
      const info = errorInfo(er, t, reasons);
      if (info.field) setErrors({ [info.field]: info.message });
      setBanner({ error: info.field ? undefined : info.message, invalid: !!info.field });
    }
  }

  if (secret) return <ShownOnce id="key-secret" heading={t.secretCreated} label={t.secretValue} value={secret} onDone={onDone} />;
  return (
    <form ref={form} class="card" onSubmit={add} noValidate aria-labelledby="new-key-heading">
      <h2 id="new-key-heading">{t.newKey}</h2>
      <FormBanner {...banner} />
      <TextField id="key-kid" name="kid" label={t.keyId} hint={t.keyIdHint} optional value={kid} error={errors.kid} onInput={setKid} />
      <fieldset class="field">
        <legend>{t.algorithm}</legend>
        {algs.map((a) => (
          <label key={a} class="check option">
            <input type="radio" name="key-alg" checked={alg === a} onChange={() => setAlg(a)} />
            <span>
              <span class="strong">{a}</span>
              <span class="sub">{a === 'HS256' ? t.algSecretHint : t.algPublicHint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {alg !== 'HS256' && (
        <TextField id="key-pem" name="publicKey" label={t.publicKey} hint={t.publicKeyHint} multiline value={pem} error={errors.publicKey} onInput={setPem} />
      )}
      <div class="buttons start">
        <button type="button" onClick={onDone}>
          {t.cancel}
        </button>
        <button type="submit" class="primary">
          {t.addKey}
        </button>
      </div>
    </form>
  );
}
