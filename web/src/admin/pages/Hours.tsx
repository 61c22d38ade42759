// Opening hours of one queue: always open, or weekly hours in a time zone,
// with dates (holidays) that replace their weekday.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { Queue } from '../api';
import { Field, FormBanner, LoadError, Loading, PageHeader, fieldProps } from '../components';
import { useAdmin } from '../context';
import { days, toHours, toModel, zones, type Day, type HoursModel } from '../hours';
import { useFormState, useLoad } from '../hooks';
import { fmt } from '../texts';
import { openSummary } from './Queues';

export function HoursPage({ queueId }: { queueId?: string }) {
  const { t, api, lang } = useAdmin();
  const queues = useLoad(() => api.queues());
  const list = queues.data?.queues ?? [];
  const current = list.find((q) => q.id === queueId) ?? list[0];
  return (
    <>
      <PageHeader title={t.navHours} intro={t.hoursIntro} />
      {queues.error && <LoadError message={queues.error} onRetry={queues.reload} />}
      {!queues.data && !queues.error && <Loading />}
      {queues.data && list.length === 0 && <p class="muted">{t.noQueuesYet}</p>}
      {current && (
        <>
          <div class="toolbar">
            <label for="hours-queue">{t.queue}</label>
            <select id="hours-queue" value={current.id} onChange={(e) => (location.hash = `#/hours/${encodeURIComponent(e.currentTarget.value)}`)}>
              {list.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </select>
            <span class="muted" role="status">
              {fmt(t.nowStatus, { status: openSummary(t, lang, current, queues.data!.open[current.id]) })}
            </span>
          </div>
          <HoursForm key={current.id} queue={current} onSaved={queues.reload} />
        </>
      )}
    </>
  );
}

function HoursForm({ queue, onSaved }: { queue: Queue; onSaved: () => void }) {
  const { t, api } = useAdmin();
  const [m, setM] = useState<HoursModel>(() => toModel(queue.hours));
  const [version, setVersion] = useState(queue.version);
  const form = useRef<HTMLFormElement>(null);
  const f = useFormState(form);
  const errors = f.errors;
  const [busy, setBusy] = useState(false);
  useEffect(() => setVersion(queue.version), [queue.version]);

  // After a conflict: the queue as it is now, and the form from it.
  async function reload() {
    const r = await api.queues();
    const fresh = r.queues.find((q) => q.id === queue.id);
    if (!fresh) return;
    setM(toModel(fresh.hours));
    setVersion(fresh.version);
    f.reset();
    onSaved();
  }

  const setDay = (d: Day, ranges: HoursModel['week'][Day]) => setM({ ...m, week: { ...m.week, [d]: ranges } });
  const dayName = (d: Day) => t[d];

  async function save(e: Event) {
    e.preventDefault();
    const { hours, fields } = toHours(m);
    setBusy(true);
    f.reset();
    try {
      const r = await api.setHours(queue.id, version, hours);
      setVersion(r.queue.version);
      f.setBanner({ saved: true });
      onSaved();
    } catch (err) {
      f.fail(err, (field) => fields[field] ?? field);
    } finally {
      setBusy(false);
    }
  }

  const timeInput = (name: string, label: string, value: string, onInput: (v: string) => void) => (
    <span class="time">
      <input type="time" {...fieldProps(name.replace(/\./g, '-'), name, undefined, errors[name])} aria-label={label} value={value}
        onInput={(e) => onInput(e.currentTarget.value)} />
      {errors[name] && (
        <span class="field-error" id={`${name.replace(/\./g, '-')}-error`}>
          {errors[name]}
        </span>
      )}
    </span>
  );

  return (
    <form ref={form} class="card hours" onSubmit={save} noValidate>
      <FormBanner {...f.banner} onReload={() => void reload()} />
      <fieldset class="field">
        <legend>{t.whenOpen}</legend>
        <label class="check">
          <input type="radio" name="hours-mode" checked={m.always} onChange={() => setM({ ...m, always: true })} />
          <span>{t.alwaysOpenOption}</span>
        </label>
        <label class="check">
          <input type="radio" name="hours-mode" checked={!m.always} onChange={() => setM({ ...m, always: false })} />
          <span>{t.onHoursOption}</span>
        </label>
      </fieldset>
      {!m.always && (
        <>
          <Field id="hours-zone" label={t.timeZone} error={errors.timeZone}>
            <select {...fieldProps('hours-zone', 'timeZone', undefined, errors.timeZone)} value={m.timeZone}
              onChange={(e) => setM({ ...m, timeZone: e.currentTarget.value })}>
              {zones(m.timeZone).map((z) => (
                <option key={z} value={z}>
                  {z.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          </Field>

          <h3>{t.weekly}</h3>
          <table class="week">
            <thead>
              <tr>
                <th scope="col">{t.day}</th>
                <th scope="col">{t.hours}</th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d}>
                  <th scope="row">
                    <label class="check">
                      <input type="checkbox" checked={m.week[d].length > 0} aria-label={fmt(t.openOnDay, { day: dayName(d) })}
                        onChange={(e) => setDay(d, e.currentTarget.checked ? [{ from: '08:00', to: '16:00' }] : [])} />
                      <span aria-hidden="true">{dayName(d)}</span>
                    </label>
                  </th>
                  <td>
                    {m.week[d].length === 0 && <span class="muted">{t.closedDay}</span>}
                    {m.week[d].map((r, i) => (
                      <div class="range" key={i}>
                        {timeInput(`week.${d}.${i}.from`, fmt(t.dayFrom, { day: dayName(d) }), r.from, (x) =>
                          setDay(d, m.week[d].map((y, j) => (j === i ? { ...y, from: x } : y))))}
                        <span aria-hidden="true">–</span>
                        {timeInput(`week.${d}.${i}.to`, fmt(t.dayUntil, { day: dayName(d) }), r.to, (x) =>
                          setDay(d, m.week[d].map((y, j) => (j === i ? { ...y, to: x } : y))))}
                        <button type="button" class="icon" aria-label={`${t.removeRange} (${dayName(d)})`} title={t.removeRange}
                          onClick={() => setDay(d, m.week[d].filter((_, j) => j !== i))}>
                          <svg viewBox="0 0 24 24" aria-hidden="true">
                            <path d="M6 12h12" />
                          </svg>
                        </button>
                      </div>
                    ))}
                    {m.week[d].length > 0 && m.week[d].length < 4 && (
                      <button type="button" class="quiet small" aria-label={fmt(t.addRangeTo, { day: dayName(d) })}
                        onClick={() => setDay(d, [...m.week[d], { from: '17:00', to: '20:00' }])}>
                        + {t.addRange}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" class="quiet small"
            onClick={() => setM({ ...m, week: { ...m.week, tue: [...m.week.mon], wed: [...m.week.mon], thu: [...m.week.mon], fri: [...m.week.mon] } })}>
            {t.copyToWeekdays}
          </button>

          <h3>{t.exceptions}</h3>
          <p class="hint">{t.exceptionsHint}</p>
          <ul class="dates">
            {m.dates.map((x, i) => {
              const set = (p: Partial<typeof x>) => setM({ ...m, dates: m.dates.map((y, j) => (j === i ? { ...y, ...p } : y)) });
              const id = `dates-${i}`;
              return (
                <li key={i} class="date-rule">
                  <span class="field inline">
                    <label for={`${id}-date`}>{t.date}</label>
                    <input type="date" {...fieldProps(`${id}-date`, `dates.${i}.date`, undefined, errors[`dates.${i}.date`])} value={x.date}
                      onInput={(e) => set({ date: e.currentTarget.value })} />
                  </span>
                  <label class="check">
                    <input type="checkbox" checked={x.closed} onChange={(e) => set({ closed: e.currentTarget.checked })} />
                    <span>{t.closedAllDay}</span>
                  </label>
                  {!x.closed && (
                    <span class="range">
                      {timeInput(`dates.${i}.from`, `${t.from} (${x.date || t.date})`, x.from, (v) => set({ from: v }))}
                      <span aria-hidden="true">–</span>
                      {timeInput(`dates.${i}.to`, `${t.until} (${x.date || t.date})`, x.to, (v) => set({ to: v }))}
                    </span>
                  )}
                  <span class="field inline grow">
                    <label for={`${id}-note`}>{t.note}</label>
                    <input id={`${id}-note`} data-field={`dates.${i}.note`} maxLength={100} value={x.note}
                      onInput={(e) => set({ note: e.currentTarget.value })} />
                  </span>
                  <button type="button" class="icon" aria-label={`${t.removeDate} (${x.date || i + 1})`} title={t.removeDate}
                    onClick={() => setM({ ...m, dates: m.dates.filter((_, j) => j !== i) })}>
                    <svg viewBox="0 0 24 24" aria-hidden="true">
                      <path d="M6 6l12 12M18 6L6 18" />
                    </svg>
                  </button>
                  {errors[`dates.${i}.date`] && <p class="field-error full" id={`${id}-date-error`}>{errors[`dates.${i}.date`]}</p>}
                </li>
              );
            })}
          </ul>
          <button type="button" onClick={() => setM({ ...m, dates: [...m.dates, { date: '', closed: true, from: '09:00', to: '13:00', note: '' }] })}>
            + {t.addDate}
          </button>
        </>
      )}
      <div class="buttons">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t.saving : t.save}
        </button>
      </div>
    </form>
  );
}
