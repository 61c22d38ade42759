// The dialog for inviting a colleague into a chat (R10): a named colleague
// from those logged in (with status and load; those who cannot take it now
// are shown disabled, with the reason), or anyone available in a queue; an
// optional note; and whether to stay in the chat or leave after inviting.
// With transfer set, the same dialog transfers the chat (R18): to a named
// colleague or to a queue, with a note, and the agent stays until someone
// accepts (so there is no stay-or-leave choice).
// The server has the last word: its refusal (paused, full, nobody available,
// already pending) is shown in the dialog as it is written.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useErrorText, useModal, useTexts } from './hooks';
import { fmt } from './texts';
import type { Texts } from './texts';
import type { AgentStat, AgentsResponse, Queue } from '../common/protocol';
import type { InviteTarget } from './client';
import type { Tab } from './state';

/** How often the list of colleagues is refreshed while the dialog is open. */
const refreshMs = 5000;

export interface InviteDialogProps {
  tab: Tab;
  me?: string;
  customer: string;
  queues: Queue[];
  loadAgents: () => Promise<AgentsResponse>;
  onInvite: (target: InviteTarget, note: string, leaveAfter: boolean) => Promise<void>;
  onClose: () => void;
  /** the dialog transfers the chat instead of inviting (R18). */
  transfer?: boolean;
}

/** unavailableReason says why a colleague cannot be invited now, or '' if they can. */
export function unavailableReason(a: AgentStat, inChat: boolean, t: Texts): string {
  if (inChat) return t.reasonInChat;
  if (a.status !== 'ready') return t.reasonPaused;
  if (a.load >= a.capacity) return t.reasonFull;
  if (!a.available) return t.reasonPaused;
  return '';
}

export function InviteDialog({ tab, me, customer, queues, loadAgents, onInvite, onClose, transfer }: InviteDialogProps) {
  const t = useTexts();
  const errorText = useErrorText();
  const ref = useRef<HTMLDivElement>(null);
  const firstRef = useRef<HTMLInputElement>(null);
  const [mode, setMode] = useState<'agent' | 'queue'>('agent');
  const [agentId, setAgentId] = useState('');
  const [queueId, setQueueId] = useState(tab.queueId ?? '');
  const [note, setNote] = useState('');
  const [leaveAfter, setLeaveAfter] = useState(false);
  const [data, setData] = useState<AgentsResponse>();
  const [listError, setListError] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useModal(ref, () => !busy && onClose());

  useEffect(() => firstRef.current?.focus(), []);

  // The list is fetched at once and kept fresh while the dialog is open.
  useEffect(() => {
    let live = true;
    const load = () =>
      loadAgents()
        .then((r) => {
          if (!live) return;
          setData(r);
          setListError('');
        })
        .catch((err: unknown) => live && setListError(errorText(err)));
    void load();
    const id = setInterval(load, refreshMs);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, []);

  const inChat = new Set(tab.agents ?? []);
  const colleagues = (data?.agents ?? []).filter((a) => a.id !== me);
  // Choose the first colleague who can take it, once the list is known.
  useEffect(() => {
    if (agentId || !data) return;
    const first = colleagues.find((a) => !unavailableReason(a, inChat.has(a.id), t));
    if (first) setAgentId(first.id);
  }, [data]);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    let target: InviteTarget;
    if (mode === 'agent') {
      if (!agentId) return setError(t.chooseColleague);
      target = { agentId };
    } else {
      if (!queueId) return setError(t.chooseQueue);
      target = { queueId };
    }
    setBusy(true);
    setError('');
    try {
      await onInvite(target, note, leaveAfter);
      onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  const id = `${transfer ? 'transfer' : 'invite'}-${tab.id}`;
  const stats = new Map((data?.queues ?? []).map((q) => [q.queueId, q]));
  return (
    <div class="backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <div class="dialog invite-dialog" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} ref={ref}>
        <h2 id={`${id}-title`}>{transfer ? t.transferChat : t.inviteColleague}</h2>
        <p class="muted">{fmt(t.chatWith, { name: customer })}</p>
        <form onSubmit={submit}>
          <fieldset class="choice">
            <legend>{transfer ? t.transferWhom : t.inviteWhom}</legend>
            <label>
              <input
                type="radio"
                name={`${id}-mode`}
                ref={firstRef}
                checked={mode === 'agent'}
                onChange={() => setMode('agent')}
              />
              {t.inviteNamed}
            </label>
            <label>
              <input type="radio" name={`${id}-mode`} checked={mode === 'queue'} onChange={() => setMode('queue')} />
              {transfer ? t.transferQueue : t.inviteQueue}
            </label>
          </fieldset>

          {mode === 'agent' ? (
            <fieldset class="pick">
              <legend>{t.colleague}</legend>
              {!data && !listError && <p class="muted">{t.loadingColleagues}</p>}
              {listError && <p class="form-error">{fmt(t.colleaguesFailed, { reason: listError })}</p>}
              {data && colleagues.length === 0 && <p class="muted">{t.noColleagues}</p>}
              <ul class="pick-list">
                {colleagues.map((a) => {
                  const reason = unavailableReason(a, inChat.has(a.id), t);
                  const descId = `${id}-a-${a.id}`;
                  return (
                    <li key={a.id} class={reason ? 'unavailable' : ''}>
                      <label>
                        <input
                          type="radio"
                          name={`${id}-agent`}
                          value={a.id}
                          checked={agentId === a.id}
                          disabled={!!reason}
                          aria-describedby={descId}
                          onChange={() => setAgentId(a.id)}
                        />
                        <span class="pick-name">{a.displayName}</span>
                      </label>
                      <span class="pick-info" id={descId}>
                        <span class={`badge ${a.status === 'ready' ? 'ready' : 'paused'}`}>
                          {a.status === 'ready' ? t.ready : t.paused}
                        </span>{' '}
                        <span class="num">{fmt(t.chatsOf, { count: a.load, capacity: a.capacity })}</span>
                        {reason && reason !== t.reasonPaused && <span class="reason"> — {reason}</span>}
                      </span>
                    </li>
                  );
                })}
              </ul>
            </fieldset>
          ) : (
            <fieldset class="pick">
              <legend>{t.queue}</legend>
              <ul class="pick-list">
                {queues.map((q) => {
                  const ready = stats.get(q.id)?.agentsAvailable;
                  const descId = `${id}-q-${q.id}`;
                  return (
                    <li key={q.id}>
                      <label>
                        <input
                          type="radio"
                          name={`${id}-queue`}
                          value={q.id}
                          checked={queueId === q.id}
                          aria-describedby={descId}
                          onChange={() => setQueueId(q.id)}
                        />
                        <span class="pick-name">{q.name}</span>
                      </label>
                      <span class="pick-info num" id={descId}>
                        {ready === undefined ? '' : fmt(t.queueReady, { count: ready })}
                      </span>
                    </li>
                  );
                })}
              </ul>
            </fieldset>
          )}

          <label class="note-label" for={`${id}-note`}>
            {t.noteLabel} <span class="muted">{t.optional}</span>
          </label>
          <textarea id={`${id}-note`} rows={2} value={note} maxLength={5000} onInput={(e) => setNote(e.currentTarget.value)} />

          {transfer ? (
            <p class="muted">{t.transferHint}</p>
          ) : (
            <fieldset class="choice">
              <legend>{t.afterInvite}</legend>
              <label>
                <input type="radio" name={`${id}-after`} checked={!leaveAfter} onChange={() => setLeaveAfter(false)} />
                {t.stayInChat}
              </label>
              <label>
                <input type="radio" name={`${id}-after`} checked={leaveAfter} onChange={() => setLeaveAfter(true)} />
                {t.leaveAfterInvite}
              </label>
            </fieldset>
          )}

          <p class="form-error" role="alert">
            {error}
          </p>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {busy ? t.sending : transfer ? t.sendTransfer : t.sendInvitation}
            </button>
            <button type="button" disabled={busy} onClick={onClose}>
              {t.cancel}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
