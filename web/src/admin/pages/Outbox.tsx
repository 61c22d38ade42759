// Outgoing e-mail (R14): the transcripts the server e-mails to customers,
// newest first: waiting (with the next try), sent, or given up after a day
// of tries, with why. Addresses are never shown. A given-up e-mail is what
// an administrator looks at here; "only the failed" shows just those.

import { useState } from 'preact/hooks';
import type { OutboxJob } from '../api';
import { LoadError, Loading, PageHeader } from '../components';
import { useAdmin } from '../context';
import { formatDateTime, useLoad } from '../hooks';
import { fmt, type Lang, type Texts } from '../texts';

/** jobState says where an e-mail is: sent, given up, or waiting for its next try. */
export function jobState(t: Texts, lang: Lang, j: OutboxJob): { text: string; cls: string } {
  if (j.doneAt) return { text: fmt(t.mailSent, { when: formatDateTime(j.doneAt, lang) }), cls: 'on ready' };
  if (j.failedAt) return { text: fmt(t.mailGivenUp, { when: formatDateTime(j.failedAt, lang) }), cls: 'warn' };
  if (j.attempts > 0) return { text: fmt(t.mailRetrying, { when: formatDateTime(j.nextAt, lang) }), cls: 'on paused' };
  return { text: t.mailWaiting, cls: '' };
}

export function OutboxPage() {
  const { t } = useAdmin();
  const [failed, setFailed] = useState(false);
  return (
    <>
      <PageHeader title={t.navOutbox} intro={t.outboxIntro} />
      <div class="toolbar">
        <label class="check">
          <input type="checkbox" checked={failed} onChange={(e) => setFailed(e.currentTarget.checked)} />
          <span>{t.onlyFailed}</span>
        </label>
      </div>
      <Jobs key={String(failed)} failed={failed} />
    </>
  );
}

function Jobs({ failed }: { failed: boolean }) {
  const { t, api, lang } = useAdmin();
  const jobs = useLoad(() => api.outbox(failed));
  const list = jobs.data ? (jobs.data.jobs ?? []) : undefined;
  return (
    <>
      {jobs.error && <LoadError message={jobs.error} onRetry={jobs.reload} />}
      {!list && !jobs.error && <Loading />}
      {list && (
        <section class="card" aria-label={t.navOutbox}>
          <div class="scroll-x">
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">{t.created}</th>
                  <th scope="col">{t.what}</th>
                  <th scope="col">{t.chat}</th>
                  <th scope="col">{t.status}</th>
                  <th scope="col" class="num">
                    {t.failedTries}
                  </th>
                  <th scope="col">{t.lastError}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((j) => {
                  const st = jobState(t, lang, j);
                  return (
                    <tr key={j.id}>
                      <td class="nowrap">{formatDateTime(j.createdAt, lang)}</td>
                      <td>{j.kind === 'transcript_mail' ? t.transcriptMail : j.kind}</td>
                      <td class="nowrap">
                        {j.conversationId ? (
                          <a href={`#/chatlog/${encodeURIComponent(j.conversationId)}`}>
                            {t.openChat}
                            <span class="visually-hidden"> ({formatDateTime(j.createdAt, lang)})</span>
                          </a>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td class="nowrap">
                        <span class={`badge ${st.cls}`}>{st.text}</span>
                      </td>
                      <td class="num">{j.attempts}</td>
                      <td class="error-text">{j.lastError ?? ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {list.length === 0 && <p class="muted empty">{failed ? t.noFailedMail : t.noMail}</p>}
        </section>
      )}
    </>
  );
}
