// What a customer can do with the record of their chat (R14, R15):
// download it, have it e-mailed, ask that it be deleted. It is shown in a
// panel the header's button opens during the chat, and in the ended view.
// Every result and error is announced in a status line; the e-mail field
// is an ordinary labelled form; deleting asks for confirmation first.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api, WidgetOptions } from './api';
import { ConfirmDialog } from './ConfirmDialog';
import type { Texts } from './texts';

interface Props {
  t: Texts;
  api: Api;
  token: string;
  conversationId: string;
  lang: string;
  options: WidgetOptions;
  ended: boolean;
  erasureRequested: boolean;
  /** The chat has been deleted (an ended chat, at the customer's request). */
  onDeleted: () => void;
  /** Focus the first control when shown (the panel), not in the ended view. */
  autoFocus?: boolean;
  /** visitorEmail fills in the address (the page's Skranke('set')); the visitor may change it. */
  visitorEmail?: string;
}

type Busy = 'download' | 'email' | 'delete' | undefined;

function timeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  } catch {
    return '';
  }
}

/** saveFile hands blob to the browser as a download named filename. */
function saveFile(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function ChatRecord(p: Props) {
  const { t } = p;
  const [busy, setBusy] = useState<Busy>();
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [emailOpen, setEmailOpen] = useState(false);
  const [address, setAddress] = useState(p.visitorEmail ?? '');
  useEffect(() => {
    if (p.visitorEmail) setAddress((a) => a || p.visitorEmail || '');
  }, [p.visitorEmail]);
  const [confirming, setConfirming] = useState(false);
  const firstRef = useRef<HTMLButtonElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const emailButtonRef = useRef<HTMLButtonElement>(null);
  const wasEmailOpen = useRef(false);

  useEffect(() => {
    if (p.autoFocus) firstRef.current?.focus();
  }, []);
  // Focus follows the e-mail form: into its field when it opens, back to
  // its button when it has closed (once the button is enabled again).
  useEffect(() => {
    if (emailOpen) {
      if (!wasEmailOpen.current) emailRef.current?.focus();
      wasEmailOpen.current = true;
    } else if (wasEmailOpen.current && !busy) {
      emailButtonRef.current?.focus();
      wasEmailOpen.current = false;
    }
  }, [emailOpen, busy]);

  const run = async (what: Busy, f: () => Promise<string>) => {
    setBusy(what);
    setError('');
    setStatus('');
    try {
      setStatus(await f());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(undefined);
    }
  };

  const download = () =>
    run('download', async () => {
      const f = await p.api.transcript(p.token, p.conversationId, p.lang, timeZone());
      saveFile(f.blob, f.filename);
      return t.downloaded;
    });

  const sendEmail = (e: Event) => {
    e.preventDefault();
    const to = address.trim();
    if (!to) {
      emailRef.current?.focus();
      return;
    }
    run('email', async () => {
      await p.api.emailTranscript(p.token, p.conversationId, to, p.lang, timeZone());
      setEmailOpen(false);
      return t.emailSent(to);
    });
  };

  const erase = () => {
    setConfirming(false);
    run('delete', async () => {
      const r = await p.api.requestErasure(p.token, p.conversationId);
      if (r === 'deleted') {
        p.onDeleted();
        return t.chatDeleted;
      }
      return t.deleteRequested;
    });
  };

  return (
    <div class="sk-record">
      <button type="button" ref={firstRef} class="sk-button sk-secondary" onClick={download} disabled={!!busy}>
        {busy === 'download' ? t.downloading : t.downloadTranscript}
      </button>

      {p.options.transcriptByEmail &&
        (emailOpen ? (
          <form class="sk-email" onSubmit={sendEmail}>
            <label for="sk-email-address">{t.emailLabel}</label>
            <div class="sk-email-row">
              <input
                id="sk-email-address"
                ref={emailRef}
                type="email"
                autocomplete="email"
                required
                maxLength={254}
                value={address}
                onInput={(e) => {
                  setAddress(e.currentTarget.value);
                  setError('');
                }}
                aria-invalid={error && busy === undefined ? true : undefined}
                aria-describedby={error ? 'sk-record-error' : undefined}
              />
              <button type="submit" class="sk-button sk-primary" disabled={!!busy}>
                {busy === 'email' ? t.emailSending : t.emailSend}
              </button>
            </div>
          </form>
        ) : (
          <button
            type="button"
            ref={emailButtonRef}
            class="sk-button sk-secondary"
            onClick={() => setEmailOpen(true)}
            disabled={!!busy}
          >
            {t.emailTranscript}
          </button>
        ))}

      {p.options.customerErasure &&
        (p.erasureRequested && !p.ended ? (
          <p class="sk-muted">{t.deleteRequested}</p>
        ) : (
          <button type="button" class="sk-button sk-secondary sk-delete" onClick={() => setConfirming(true)} disabled={!!busy}>
            {p.ended ? t.deleteNow : t.deleteWhenEnded}
          </button>
        ))}

      <p class="sk-record-status" role="status">
        {status}
      </p>
      <p class="sk-error" id="sk-record-error" role="alert">
        {error}
      </p>

      {confirming && (
        <ConfirmDialog
          title={t.confirmDeleteTitle}
          text={p.ended ? t.confirmDeleteEnded : t.confirmDeleteOpen}
          confirmLabel={t.deleteConfirm}
          cancelLabel={t.cancel}
          onConfirm={erase}
          onCancel={() => setConfirming(false)}
        />
      )}
    </div>
  );
}
