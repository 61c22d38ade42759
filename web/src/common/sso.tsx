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
// provider and comes back signed in.
export function SSOLink({ sso, label, className }: { sso: LoginOptions['sso']; label: (name: string) => string; className?: string }) {
  if (!sso) return null;
  return (
    <p class="sso">
      <a class={className ?? 'button primary'} href={sso.url}>
        {label(sso.name)}
      </a>
    </p>
  );
}
