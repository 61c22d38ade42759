// Saved menus (R9): choice menus agents offer from the "Offer choices"
// dialog of a chat: a name, the question and 2 to 10 options, which the
// customer sees as buttons.

import { useRef, useState } from 'preact/hooks';
import { Confirm, FormBanner, LoadError, Loading, PageHeader, Panel, TextField } from '../components';
import { useAdmin } from '../context';
import { errorInfo, type Errors } from '../form';
import { useFormState, useLoad } from '../hooks';
import { fmt } from '../texts';
import type { SavedMenu } from '../../common/protocol';

const minOptions = 2;
const maxOptions = 10;

export function MenusPage() {
  const { t, api } = useAdmin();
  const data = useLoad(() => api.savedMenus());
  const [editing, setEditing] = useState<SavedMenu | 'new' | null>(null);
  const [notice, setNotice] = useState('');
  return (
    <>
      <PageHeader
        title={t.navMenus}
        intro={t.menusIntro}
        action={
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            {t.newMenu}
          </button>
        }
      />
      <p class="banner ok" role="status" hidden={!notice}>
        {notice}
      </p>
      {data.error && <LoadError message={data.error} onRetry={data.reload} />}
      {!data.data && !data.error && <Loading />}
      {data.data && (
        <section class="card">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.menuQuestion}</th>
                <th scope="col">{t.menuOptions}</th>
                <th scope="col">
                  <span class="visually-hidden">{t.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.data.menus.map((m) => (
                <tr key={m.id}>
                  <td class="strong">{m.name}</td>
                  <td>{m.question}</td>
                  <td>
                    <ul class="chips">
                      {m.options.map((o) => (
                        <li key={o.id}>{o.label}</li>
                      ))}
                    </ul>
                  </td>
                  <td class="row-actions">
                    <button type="button" onClick={() => setEditing(m)} aria-label={fmt(t.editName, { name: m.name })}>
                      {t.edit}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.data.menus.length === 0 && <p class="muted empty">{t.noMenus}</p>}
        </section>
      )}
      {editing && (
        <MenuPanel
          menu={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={(msg) => {
            setNotice(msg);
            data.reload();
          }}
        />
      )}
    </>
  );
}

function MenuPanel({ menu: initial, onClose, onSaved }: { menu?: SavedMenu; onClose: () => void; onSaved: (notice: string) => void }) {
  const { t, reasons, api } = useAdmin();
  const [menu, setMenu] = useState(initial);
  const creating = !menu;
  const fromMenu = (m?: SavedMenu) => ({ name: m?.name ?? '', question: m?.question ?? '', options: m ? m.options.map((o) => o.label) : ['', ''] });
  const [v, setV] = useState(() => fromMenu(initial));
  const form = useRef<HTMLFormElement>(null);
  const f = useFormState(form);
  const errors = f.errors;
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [confirmError, setConfirmError] = useState<string>();

  async function save(e: Event) {
    e.preventDefault();
    const errs: Errors = {};
    if (!v.name.trim()) errs.name = reasons.saved_menu_name_required;
    if (!v.question.trim()) errs.question = reasons.menu_question_required;
    const labels = v.options.map((o) => o.trim()).filter(Boolean);
    if (labels.length < minOptions) errs.options = fmt(reasons.menu_options_count, { min: minOptions, max: maxOptions });
    if (!f.check(errs)) return;
    // Options keep their ids while their labels stay.
    const options = labels.map((label) => ({ label, id: menu?.options.find((o) => o.label === label)?.id }));
    setBusy(true);
    try {
      const body = { name: v.name, question: v.question, options };
      const r = creating ? await api.createSavedMenu(body) : await api.updateSavedMenu(menu.id, { version: menu.version, ...body });
      onSaved(fmt(t.savedName, { name: r.menu.name }));
      onClose();
    } catch (err) {
      f.fail(err);
    } finally {
      setBusy(false);
    }
  }

  async function reload() {
    if (!menu) return;
    const r = await api.savedMenus();
    const fresh = r.menus.find((m) => m.id === menu.id);
    if (!fresh) return onClose();
    setMenu(fresh);
    setV(fromMenu(fresh));
    f.reset();
  }

  async function remove() {
    if (!menu) return;
    setBusy(true);
    try {
      await api.deleteSavedMenu(menu.id, menu.version);
      onSaved(fmt(t.removedName, { name: menu.name }));
      onClose();
    } catch (err) {
      setConfirmError(errorInfo(err, t, reasons).message);
    } finally {
      setBusy(false);
    }
  }

  const setOption = (i: number, x: string) => setV({ ...v, options: v.options.map((o, j) => (j === i ? x : o)) });
  return (
    <Panel title={creating ? t.newMenu : t.editMenu} onClose={onClose}>
      <form ref={form} onSubmit={save} noValidate>
        <FormBanner {...f.banner} onReload={() => void reload()} />
        <TextField id="menu-name" name="name" label={t.name} hint={t.menuNameHint} value={v.name} error={errors.name} maxLength={100}
          onInput={(x) => setV({ ...v, name: x })} />
        <TextField id="menu-question" name="question" label={t.menuQuestion} multiline value={v.question} error={errors.question} maxLength={500}
          onInput={(x) => setV({ ...v, question: x })} />
        <fieldset class="field" aria-describedby={errors.options ? 'menu-options-error' : undefined}>
          <legend>{t.menuOptions}</legend>
          <ol class="menu-options">
            {v.options.map((o, i) => (
              <li key={i}>
                <label for={`menu-option-${i}`} class="visually-hidden">
                  {fmt(t.menuOption, { n: i + 1 })}
                </label>
                <input id={`menu-option-${i}`} name={i === 0 ? 'options' : undefined} type="text" maxLength={100} value={o}
                  onInput={(e) => setOption(i, e.currentTarget.value)} />
                <button type="button" class="quiet" aria-label={fmt(t.removeOption, { n: i + 1 })} disabled={v.options.length <= minOptions}
                  onClick={() => setV({ ...v, options: v.options.filter((_, j) => j !== i) })}>
                  ×
                </button>
              </li>
            ))}
          </ol>
          {errors.options && (
            <p class="error" id="menu-options-error">
              {errors.options}
            </p>
          )}
          <button type="button" disabled={v.options.length >= maxOptions} onClick={() => setV({ ...v, options: [...v.options, ''] })}>
            {t.addOption}
          </button>
        </fieldset>
        <div class="buttons">
          {menu && (
            <button type="button" class="quiet danger-text push-left" onClick={() => setConfirming(true)}>
              {t.delete}
            </button>
          )}
          <button type="button" onClick={onClose}>
            {t.cancel}
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t.saving : t.save}
          </button>
        </div>
      </form>
      {confirming && menu && (
        <Confirm title={fmt(t.deleteMenuTitle, { name: menu.name })} text={t.deleteMenuText} confirm={t.delete} danger busy={busy}
          error={confirmError} onConfirm={() => void remove()} onCancel={() => { setConfirming(false); setConfirmError(undefined); }} />
      )}
    </Panel>
  );
}
