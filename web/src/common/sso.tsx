// Signing in through the organisation's identity provider: the login
// pages ask the server whether one is set up (GET /api/v1/login/options)
// and show a link to it, "Sign in with {name}", above the password form.

import { useEffect, useState } from 'preact/hooks';

export interface LoginOptions {
  sso: { name: string; url: string } | null;
  passwordLogin: boolean;
}

// useLoginOptions answers null until the server has said; a failure is
// taken as no provider (the password form still works).
export function useLoginOptions(): LoginOptions | null {
  const [opts, setOpts] = useState<LoginOptions | null>(null);
  useEffect(() => {
    let live = true;
    fetch('/api/v1/login/options', { credentials: 'same-origin' })
      .then((r) => (r.ok ? (r.json() as Promise<LoginOptions>) : { sso: null, passwordLogin: true }))
      .catch(() => ({ sso: null, passwordLogin: true }))
      .then((o) => live && setOpts(o));
    return () => {
      live = false;
    };
  }, []);
  return opts;
}

// SSOLink is the link to the identity provider; label is the filled-in
// "Sign in with {name}". It is a plain link: the browser leaves for the
// provider and comes back signed in. When passwords are switched off, the
// form below it is for the break-glass administrator, and breakGlass says
// so.
export function SSOLink({ opts, label, breakGlass, className }: { opts: LoginOptions | null; label: (name: string) => string; breakGlass: string; className?: string }) {
  if (!opts?.sso) return null;
  return (
    <>
      <p class="sso">
        <a class={className ?? 'button primary'} href={opts.sso.url}>
          {label(opts.sso.name)}
        </a>
      </p>
      {!opts.passwordLogin && <p class="hint">{breakGlass}</p>}
    </>
  );
}
