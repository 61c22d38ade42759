// The widget: its settings, a live preview (the real widget frame, in
// preview mode, fed the unsaved settings), and the one line to put on a
// website.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { Queue, WidgetSettings } from '../api';
import { CheckboxGroup, Field, FormBanner, LoadError, Loading, PageHeader, TextField, fieldProps } from '../components';
import { useAdmin } from '../context';
import { check, contrastRatio, type Errors } from '../form';
import { useFormState, useLoad } from '../hooks';
import { fmt } from '../texts';

export function WidgetPage() {
  const { t, api } = useAdmin();
  const data = useLoad(() => Promise.all([api.widget(), api.queues()]));
  return (
    <>
      <PageHeader title={t.navWidget} intro={t.widgetIntro} />
      {data.error && <LoadError message={data.error} onRetry={data.reload} />}
      {!data.data && !data.error && <Loading />}
      {data.data && <WidgetForm key={data.data[0].widget.version} initial={data.data[0].widget} queues={data.data[1].queues} onReload={data.reload} />}
    </>
  );
}

/**
 * snippet is the one line that puts the widget on a page: the stub of the
 * widget's API (Skranke(…) calls wait in it until the widget has loaded;
 * docs/widget-api.md), then the script tag.
 */
export function snippet(origin: string): string {
  return `<script>window.Skranke=window.Skranke||function(){(Skranke.q=Skranke.q||[]).push(arguments)}</script><script src="${origin}/widget.js" async></script>`;
}

function WidgetForm({ initial, queues, onReload }: { initial: WidgetSettings; queues: Queue[]; onReload: () => void }) {
  const { t, reasons, api } = useAdmin();
  const [w, setW] = useState(initial);
  const form = useRef<HTMLFormElement>(null);
  const f = useFormState(form);
  const errors = f.errors;
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  const frame = useRef<HTMLIFrameElement>(null);
  const set = (p: Partial<WidgetSettings>) => {
    setW({ ...w, ...p });
    f.setBanner({});
  };
  const fixed = !!w.fixedQueue;
  const ratio = contrastRatio(w.color, w.textColor);
  const readable = ratio >= 4.5;

  // The preview is the widget's own frame; it asks for the settings when
  // it has loaded, and gets every change.
  const post = () => frame.current?.contentWindow?.postMessage({ skranke: 'preview', settings: w }, location.origin);
  useEffect(() => {
    const onMessage = (e: MessageEvent) => {
      if (e.origin !== location.origin || e.source !== frame.current?.contentWindow) return;
      if ((e.data as { skranke?: string } | null)?.skranke === 'ready') {
        frame.current?.contentWindow?.postMessage({ skranke: 'visible', visible: true }, location.origin);
        post();
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [w]);
  useEffect(post, [w]);

  async function save(e: Event) {
    e.preventDefault();
    const errs: Errors = {};
    const put = (k: string, msg: string | undefined) => msg && (errs[k] = msg);
    put('title', check.text(reasons, w.title, 60));
    put('greeting', check.text(reasons, w.greeting, 500));
    put('color', check.color(reasons, w.color));
    put('textColor', check.color(reasons, w.textColor) ?? (readable ? undefined : fmt(reasons.contrast_too_low, { ratio: (Math.floor(ratio * 10) / 10).toFixed(1), min: 4.5 })));
    if (!f.check(errs)) return;
    setBusy(true);
    try {
      const r = await api.updateWidget({
        version: w.version, title: w.title, greeting: w.greeting, color: w.color, textColor: w.textColor,
        queues: w.queues, fixedQueue: w.fixedQueue ?? '', language: w.language, showPosition: w.showPosition,
      });
      setW(r.widget);
      f.setBanner({ saved: true });
    } catch (err) {
      f.fail(err);
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(snippet(location.origin));
    } catch {
      const area = document.getElementById('widget-snippet') as HTMLTextAreaElement | null;
      area?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  }

  const colorField = (name: 'color' | 'textColor', label: string) => (
    <Field id={`widget-${name}`} label={label} error={errors[name]}>
      <span class="color">
        <input type="color" id={`widget-${name}`} value={/^#[0-9a-fA-F]{6}$/.test(w[name]) ? w[name] : '#000000'}
          onInput={(e) => set({ [name]: e.currentTarget.value })} />
        <input {...fieldProps(`widget-${name}`, name, undefined, errors[name])} id={`widget-${name}-hex`} aria-label={fmt(t.hex, { name: label })}
          value={w[name]}
          maxLength={7} spellcheck={false} onInput={(e) => set({ [name]: e.currentTarget.value })} />
      </span>
    </Field>
  );

  return (
    <div class="widget-layout">
      <form ref={form} class="card" onSubmit={save} noValidate>
        <FormBanner {...f.banner} onReload={onReload} />
        <TextField id="widget-title" name="title" label={t.title} hint={t.titleHint} optional maxLength={60} value={w.title}
          error={errors.title} onInput={(x) => set({ title: x })} />
        <TextField id="widget-greeting" name="greeting" label={t.greeting} hint={t.greetingHint} optional multiline maxLength={500}
          value={w.greeting} error={errors.greeting} onInput={(x) => set({ greeting: x })} />
        <fieldset class="field">
          <legend>{t.colors}</legend>
          <div class="colors">
            {colorField('color', t.color)}
            {colorField('textColor', t.textColor)}
          </div>
          <p class={`contrast ${readable ? 'good' : 'low'}`} role="status">
            <span class="sample" style={{ background: w.color, color: w.textColor }} aria-hidden="true">
              Aa
            </span>
            {fmt(t.contrast, { ratio: (Math.floor(ratio * 10) / 10).toFixed(1) })} — {readable ? t.contrastGood : t.contrastLow}
          </p>
        </fieldset>
        <Field id="widget-language" label={t.widgetLanguage}>
          <select id="widget-language" data-field="language" value={w.language} onChange={(e) => set({ language: e.currentTarget.value })}>
            <option value="en">{t.english}</option>
            <option value="nb">{t.norwegian}</option>
          </select>
        </Field>
        <fieldset class="field">
          <legend>{t.queueChoice}</legend>
          <label class="check">
            <input type="radio" name="queue-mode" checked={!fixed} onChange={() => set({ fixedQueue: '' })} />
            <span>{t.chooseQueue}</span>
          </label>
          <label class="check">
            <input type="radio" name="queue-mode" checked={fixed} onChange={() => set({ fixedQueue: queues[0]?.id ?? '' })} disabled={queues.length === 0} />
            <span>{t.fixedQueue}</span>
          </label>
          {fixed ? (
            <Field id="widget-fixed" label={t.theQueue} error={errors.fixedQueue}>
              <select {...fieldProps('widget-fixed', 'fixedQueue', undefined, errors.fixedQueue)} value={w.fixedQueue}
                onChange={(e) => set({ fixedQueue: e.currentTarget.value })}>
                {queues.map((q) => (
                  <option key={q.id} value={q.id}>
                    {q.name}
                  </option>
                ))}
              </select>
            </Field>
          ) : (
            <CheckboxGroup id="widget-queues" name="queues" legend={t.queuesOffered} hint={t.choiceHint} value={w.queues}
              onChange={(x) => set({ queues: x })} options={queues.map((q) => ({ value: q.id, label: q.name }))} error={errors.queues} />
          )}
        </fieldset>
        <label class="check">
          <input type="checkbox" checked={w.showPosition} onChange={(e) => set({ showPosition: e.currentTarget.checked })} />
          <span>{t.showPosition}</span>
        </label>
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t.saving : t.save}
          </button>
        </div>
      </form>

      <aside class="card preview" aria-labelledby="preview-title">
        <h2 id="preview-title">{t.preview}</h2>
        <div class="preview-stage">
          <iframe ref={frame} title={t.previewFrame} src={`/widget/frame?preview=1&origin=${encodeURIComponent(location.origin)}`} />
          <div class="launcher-preview">
            <span class="launcher-dot" style={{ background: w.color, color: w.textColor }} aria-hidden="true">
              <svg viewBox="0 0 24 24">
                <path d="M4 5h16v11H9l-5 4z" />
              </svg>
            </span>
            <span class="muted">{t.launcher}</span>
          </div>
        </div>
        <h2>{t.snippet}</h2>
        <p class="hint" id="widget-snippet-hint">
          {t.snippetHint}
        </p>
        <label for="widget-snippet" class="visually-hidden">
          {t.snippetLabel}
        </label>
        <textarea id="widget-snippet" class="code" readOnly rows={3} aria-describedby="widget-snippet-hint" value={snippet(location.origin)}
          onFocus={(e) => e.currentTarget.select()} />
        <div class="buttons start">
          <button type="button" onClick={() => void copy()}>
            {t.copy}
          </button>
          <span role="status" class="muted">
            {copied ? t.copied : ''}
          </span>
        </div>
      </aside>
    </div>
  );
}
