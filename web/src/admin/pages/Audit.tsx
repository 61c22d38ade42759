// The audit log: every administrative change, newest first, with a filter
// by what and who and when, and what each change did field by field.

import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AuditEntry, AuditFilter } from '../api';
import { changes } from '../audit';
import { Field, LoadError, PageHeader, SelectField } from '../components';
import { useAdmin } from '../context';
import { errorInfo } from '../form';
import { dayStart, formatDateTime, useLoad } from '../hooks';
import { fmt, type TextKey, type Texts } from '../texts';

/** describe says what an entry did: "changed queue Sales". */
export function describe(t: Texts, e: AuditEntry): string {
  const key = e.action as TextKey;
  return key in t ? fmt(t[key], { name: e.target.name || e.target.id }) : `${e.action} ${e.target.kind} ${e.target.name || e.target.id}`;
}

export function AuditPage() {
  const { t, reasons, api, lang } = useAdmin();
  const users = useLoad(() => api.users());
  const [draft, setDraft] = useState({ targetKind: '', actorId: '', from: '', to: '' });
  const [filter, setFilter] = useState<AuditFilter>({});
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState(0);
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState<number | null>(null);

  async function load(f: AuditFilter, more: boolean) {
    setError(undefined);
    try {
      const r = await api.audit({ ...f, limit: 50, before: more ? next : undefined });
      setEntries(more ? [...entries, ...r.entries] : r.entries);
      setNext(r.next);
    } catch (err) {
      setError(errorInfo(err, t, reasons).message);
    }
  }
  useEffect(() => void load(filter, false), [filter]);

  const apply = (e: Event) => {
    e.preventDefault();
    // Dates are whole days in the reader's time zone.
    setFilter({ targetKind: draft.targetKind || undefined, actorId: draft.actorId || undefined, from: dayStart(draft.from), to: dayStart(draft.to, true) });
  };
  const kinds: [string, string][] = [
    ['', t.anything],
    ['user', t.kindUser],
    ['queue', t.kindQueue],
    ['profile', t.kindProfile],
    ['widget', t.kindWidget],
    ['token', t.kindToken],
    ['webhook', t.kindWebhook],
  ];

  return (
    <>
      <PageHeader title={t.navAudit} intro={t.auditIntro} />
      <form class="card filters" onSubmit={apply} aria-label={t.filter}>
        <SelectField id="audit-kind" label={t.what} value={draft.targetKind} onChange={(v) => setDraft({ ...draft, targetKind: v })} options={kinds} />
        <SelectField id="audit-actor" label={t.who} value={draft.actorId} onChange={(v) => setDraft({ ...draft, actorId: v })}
          options={[['', t.anyone], ...(users.data?.users ?? []).map((u): [string, string] => [u.id, u.displayName])]} />
        <Field id="audit-from" label={t.fromDate}>
          <input id="audit-from" type="date" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
        </Field>
        <Field id="audit-to" label={t.toDate}>
          <input id="audit-to" type="date" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        </Field>
        <button type="submit" class="primary">
          {t.show}
        </button>
      </form>
      {error && <LoadError message={error} onRetry={() => void load(filter, false)} />}
      <section class="card">
        <table class="list audit">
          <thead>
            <tr>
              <th scope="col">{t.when}</th>
              <th scope="col">{t.who}</th>
              <th scope="col">{t.change}</th>
              <th scope="col">
                <span class="visually-hidden">{t.details}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const diff = changes(e.before, e.after);
              const expanded = open === e.id;
              return (
                <Fragment key={e.id}>
                  <tr>
                    <td class="nowrap">{formatDateTime(e.time, lang)}</td>
                    <td>
                      <span class="strong">{e.actor.userId ? e.actor.name : fmt(t.serverActor, { how: e.actor.name })}</span>
                      {e.actor.tokenId && <span class="sub">{fmt(t.viaToken, { token: e.actor.tokenId })}</span>}
                    </td>
                    <td>{describe(t, e)}</td>
                    <td class="row-actions">
                      {diff.length > 0 && (
                        <button type="button" aria-expanded={expanded} aria-controls={`audit-${e.id}`} onClick={() => setOpen(expanded ? null : e.id)}>
                          {expanded ? t.hideChanges : t.showChanges}
                        </button>
                      )}
                    </td>
                  </tr>
                  {expanded && (
                    <tr class="diff-row" id={`audit-${e.id}`}>
                      <td colSpan={4}>
                        <table class="diff">
                          <thead>
                            <tr>
                              <th scope="col">{t.field}</th>
                              <th scope="col">{t.before}</th>
                              <th scope="col">{t.after}</th>
                            </tr>
                          </thead>
                          <tbody>
                            {diff.map((d) => (
                              <tr key={d.field}>
                                <th scope="row">{d.field}</th>
                                <td class="old">{d.before || t.empty}</td>
                                <td class="new">{d.after || t.empty}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
        {entries.length === 0 && !error && <p class="muted empty">{t.noEntries}</p>}
        {next > 0 && (
          <div class="buttons start">
            <button type="button" onClick={() => void load(filter, true)}>
              {t.showOlder}
            </button>
          </div>
        )}
      </section>
    </>
  );
}
