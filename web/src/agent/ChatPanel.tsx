// A chat: its header (Invite a colleague, Leave chat), the pending
// invitation's status line with Withdraw (R10), the message log, the
// customer's typing indicator, the notice once it is over, and the message
// input (Enter sends, Shift+Enter is a new line) with its private toggle
// (R11): in private mode the input looks different and what is sent and
// typed is for agents only.

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useTexts } from './hooks';
import { fmt } from './texts';
import type { Texts } from './texts';
import { countdown } from './format';
import { canInvite, canSend } from './state';
import type { Over, Tab } from './state';
import { customerLabel } from './customer';
import { PresenceLine } from './Presence';
import { MessageLog } from './MessageLog';
import { CustomerPanel } from './CustomerPanel';
import { EyeIcon, InviteIcon, LeaveIcon, MenuIcon, QuoteIcon, TransferIcon } from './icons';
import type { AttachmentRef, PredefinedText } from '../common/protocol';
import { PredefinedList, PredefinedPopup, gapText, listKeys, usePredefined } from './Predefined';
import { pick, slashQuery } from './predefined';
import { AttachButton, UploadList, refusalText, useUploads } from './Files';

export { systemText } from './lines';

export interface ChatPanelProps {
  tab: Tab;
  queue: string;
  me?: string;
  /** the agent's display name, shown on messages still on their way. */
  myName?: string;
  /** agent names by id (agentNames in state.ts). */
  names: Record<string, string>;
  queueName: (id: string) => string;
  selected: boolean;
  now: number;
  /** sends the draft with the files uploaded for it (R12). */
  onSend: (text: string, files: AttachmentRef[]) => void;
  onTyping: () => void;
  onPrivate: (on: boolean) => void;
  onInvite: () => void;
  /** opens the transfer dialog (R18). */
  onTransfer: () => void;
  onWithdraw: () => void;
  /** opens the "Offer choices" dialog (R9). */
  onOfferChoices: () => void;
  onWithdrawMenu: (menuId: string) => void;
  /** loads the predefined messages for this chat, filled in (R8). */
  loadPredefined: () => Promise<PredefinedText[]>;
  /** keep and delete the agent's own predefined messages. */
  createOwnPredefined: (title: string, text: string) => Promise<void>;
  deleteOwnPredefined: (id: string) => Promise<void>;
  onLeave: () => void;
  /** the tab's close (the same as its x): asks first while the customer is connected. */
  onClose?: () => void;
}

/** overText says why a chat is over, from the agent's point of view. */
export function overText(over: Over, me: string | undefined, t: Texts): string {
  if (over.kind === 'left') return over.reason === 'disconnected' ? t.youDisconnected : over.reason === 'transferred' ? t.youTransferred : t.youLeft;
  const by = over.by;
  if (by.role === 'customer') return t.endedByCustomer;
  if (by.role === 'agent') return by.id === me ? t.endedByYou : fmt(t.endedByAgent, { name: by.name ?? '' });
  return over.reason === 'customer_left' ? t.endedCustomerLeft : t.endedPlain;
}

function statusText(tab: Tab, t: Texts): string {
  if (tab.status === 'ended') return t.statusEnded;
  if (tab.status === 'waiting') return t.statusWaiting;
  return t.statusActive;
}

/** InvitationLine is "Waiting for Bjørn to answer… 0:25 [Withdraw]" while an invitation is pending. */
function InvitationLine({ tab, names, queueName, now, onWithdraw }: Pick<ChatPanelProps, 'tab' | 'names' | 'queueName' | 'now' | 'onWithdraw'>) {
  const t = useTexts();
  const inv = tab.invitation;
  if (!inv) return null;
  let text: string;
  if (inv.agentId) text = fmt(t.waitingFor, { name: inv.agentName || names[inv.agentId] || t.aColleague });
  else text = fmt(t.lookingIn, { queue: inv.queueId ? queueName(inv.queueId) : '' });
  const cd = inv.agentId && inv.expiresAt ? countdown(inv.expiresAt, inv.offeredAt, Math.max(now, Date.now())) : undefined;
  return (
    <div class="invite-line" role="status">
      <span class="spinner" aria-hidden="true" />
      <span>{text}</span>
      {cd && cd.text && <span class="num muted">{cd.text}</span>}
      <button type="button" class="small" disabled={!canSend(tab)} onClick={onWithdraw}>
        {t.withdraw}
      </button>
    </div>
  );
}

export function ChatPanel(props: ChatPanelProps) {
  const { tab, queue, me, myName, names, queueName, selected, now, onSend, onTyping, onPrivate, onInvite, onTransfer, onLeave } = props;
  const t = useTexts();
  const [draft, setDraft] = useState('');
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const stick = useRef(true);
  const customer = customerLabel(tab, t);
  const enabled = canSend(tab);
  const inputId = `msg-${tab.id}`;
  const priv = tab.private;
  // Files (R12): uploads of this chat's composer, refusals, dragging.
  const uploads = useUploads(tab.id);
  const [refused, setRefused] = useState<string[]>([]);
  const [dragging, setDragging] = useState(false);
  const failedUploads = uploads.items.some((i) => i.state === 'failed');
  const canSubmit = enabled && !uploads.busy() && !failedUploads && (!!draft.trim() || uploads.ready());
  // Predefined messages (R8): the button's popup, and "/" inline.
  const predefined = usePredefined(props.loadPredefined, me);
  const [popup, setPopup] = useState(false);
  const [inlineActive, setInlineActive] = useState(0);
  const [inlineDismissed, setInlineDismissed] = useState(false);
  const [gaps, setGaps] = useState<string[]>([]);
  const [caretToEnd, setCaretToEnd] = useState(0);
  const predefButton = useRef<HTMLButtonElement>(null);
  const slash = enabled && !inlineDismissed && !popup ? slashQuery(draft) : undefined;
  const inlineItems = slash !== undefined && predefined.list ? pick(predefined.list, slash, predefined.recent) : undefined;
  const inlineId = `predef-${tab.id}`;
  useEffect(() => {
    if (slash !== undefined) predefined.ensure();
  }, [slash !== undefined]);
  useEffect(() => {
    if (!caretToEnd) return;
    const el = inputRef.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, [caretToEnd]);

  function insert(m: PredefinedText) {
    setDraft(m.text);
    setGaps(m.missing ?? []);
    predefined.used(m.id);
    setPopup(false);
    setInlineActive(0);
    setCaretToEnd((n) => n + 1);
  }

  // Follow new lines unless the agent has scrolled up to read.
  useLayoutEffect(() => {
    const el = logRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [tab.events.length, tab.pending.length, selected]);

  // A chat that has just been accepted takes the focus the Accept button had.
  useEffect(() => {
    const active = document.activeElement;
    if (selected && enabled && (!active || active === document.body)) inputRef.current?.focus();
  }, [selected, tab.kind]);

  // The Invite button gives way to "Invitation pending" (and comes back):
  // the focus it held goes to the input rather than to nowhere.
  const pendingNow = !!tab.invitation;
  useEffect(() => {
    const active = document.activeElement;
    if (selected && enabled && (!active || active === document.body)) inputRef.current?.focus();
  }, [pendingNow]);

  function submit(e?: Event) {
    e?.preventDefault();
    if (!canSubmit) return;
    onSend(draft, uploads.attachments());
    uploads.clear();
    setRefused([]);
    setDraft('');
    setGaps([]);
  }

  function addFiles(files: File[]) {
    if (!enabled || files.length === 0) return;
    setRefused(uploads.add(files).map((r) => refusalText(r, t)));
  }

  const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');

  function onKeyDown(e: KeyboardEvent) {
    if (slash !== undefined) {
      // The inline list of predefined messages has the keys while it is open.
      if (listKeys(e, inlineItems?.length ?? 0, inlineActive, setInlineActive)) return e.preventDefault();
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        const m = inlineItems?.[inlineActive];
        if (m) insert(m);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setInlineDismissed(true);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  }

  function togglePrivate() {
    onPrivate(!priv);
    inputRef.current?.focus();
  }

  const typing = tab.typing && tab.typing.until > now && !tab.over;
  const pending = pendingNow;

  return (
    <section
      class={dragging ? 'chat dragging' : 'chat'}
      aria-label={customer}
      onDragEnter={(e) => {
        if (enabled && hasFiles(e)) setDragging(true);
      }}
      onDragOver={(e) => {
        if (!enabled || !hasFiles(e)) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(false);
        addFiles(Array.from(e.dataTransfer?.files ?? []));
      }}
    >
      {dragging && (
        <div class="dropzone" aria-hidden="true">
          <p>{t.dropFiles}</p>
        </div>
      )}
      <header class="chat-head">
        <h2>{customer}</h2>
        {queue && <span class="chat-queue">{queue}</span>}
        <span class={`chat-status st-${tab.status}`}>{statusText(tab, t)}</span>
        <span class="spacer" />
        {!tab.over && (
          <>
            {pending ? (
              <button type="button" class="head-action" disabled title={tab.invitation?.transfer ? t.transferPending : t.invitationPending}>
                {tab.invitation?.transfer ? <TransferIcon /> : <InviteIcon />}
                {tab.invitation?.transfer ? t.transferPending : t.invitationPending}
              </button>
            ) : (
              <>
                <button
                  type="button"
                  class="head-action"
                  aria-label={t.inviteColleague}
                  title={t.inviteColleague}
                  disabled={!canInvite(tab)}
                  onClick={onInvite}
                >
                  <InviteIcon />
                  {t.invite}
                </button>
                <button
                  type="button"
                  class="head-action"
                  aria-label={t.transferChat}
                  title={t.transferChat}
                  disabled={!canInvite(tab)}
                  onClick={onTransfer}
                >
                  <TransferIcon />
                  {t.transfer}
                </button>
              </>
            )}
            <button
              type="button"
              class="head-action"
              title={fmt(t.offerChoicesTo, { name: customer })}
              disabled={!enabled}
              onClick={props.onOfferChoices}
            >
              <MenuIcon />
              {t.offerChoices}
            </button>
            <button type="button" class="head-action" disabled={!enabled} onClick={onLeave}>
              <LeaveIcon />
              {tab.leaving ? t.leavingChat : t.leaveChat}
            </button>
          </>
        )}
        {props.onClose && (
          <button
            type="button"
            class="head-action head-close"
            aria-label={fmt(t.closeChatWith, { name: customer })}
            title={fmt(t.closeChatWith, { name: customer })}
            disabled={tab.ending}
            onClick={props.onClose}
          >
            <span aria-hidden="true">×</span>
          </button>
        )}
      </header>
      <PresenceLine tab={tab} customer={customer} now={now} />
      <CustomerPanel conversationId={tab.id} version={`${tab.status}:${tab.customerName ?? ''}:${tab.detailsVersion ?? 0}`} queueName={queueName} />
      <InvitationLine {...props} />
      <MessageLog
        tab={tab}
        me={me}
        myName={myName}
        customer={customer}
        names={names}
        queueName={queueName}
        label={fmt(t.messages, { name: customer })}
        logRef={logRef}
        onWithdrawMenu={enabled ? props.onWithdrawMenu : undefined}
        onScroll={(el) => {
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      />
      <div class="typing" aria-live="polite">
        {typing ? fmt(t.typing, { name: tab.typing?.name || customer }) : ''}
      </div>
      {tab.over && (
        <p class="over-notice" role="status">
          {overText(tab.over, me, t)}
        </p>
      )}
      {(refused.length > 0 || failedUploads) && (
        <div class="refused" role="alert">
          {refused.map((r, i) => (
            <p key={i}>{r}</p>
          ))}
          {failedUploads && <p class="muted">{t.fixFailedUploads}</p>}
        </div>
      )}
      {enabled && <UploadList q={uploads} />}
      {slash !== undefined && (
        <div class="predef-inline">
          <PredefinedList id={inlineId} items={inlineItems} error={predefined.error} active={inlineActive} onPick={insert} onHover={setInlineActive} />
        </div>
      )}
      {popup && (
        <PredefinedPopup
          id={`predef-pop-${tab.id}`}
          list={predefined.list}
          error={predefined.error}
          recent={predefined.recent}
          onPick={insert}
          onCreateOwn={(title, text) => props.createOwnPredefined(title, text).then(() => predefined.ensure())}
          onDeleteOwn={(id) => props.deleteOwnPredefined(id).then(() => predefined.ensure())}
          onClose={() => {
            setPopup(false);
            predefButton.current?.focus();
          }}
        />
      )}
      {gaps.length > 0 && enabled && (
        <p class="predef-gap" role="status">
          {gapText(gaps, t)}
        </p>
      )}
      {enabled && priv && uploads.items.length > 0 && <p class="private-files">{t.privateFiles}</p>}
      <form class={priv ? 'composer private' : 'composer'} onSubmit={submit}>
        {priv && (
          <p class="private-label" id={`${inputId}-private`}>
            <EyeIcon />
            {t.privateLabel}
          </p>
        )}
        <button
          type="button"
          class={priv ? 'private-toggle on' : 'private-toggle'}
          aria-pressed={priv}
          aria-label={t.privateMessage}
          title={t.privateTooltip}
          disabled={!enabled}
          onClick={togglePrivate}
        >
          <EyeIcon />
        </button>
        <AttachButton disabled={!enabled} onFiles={addFiles} />
        <button
          type="button"
          class="attach"
          ref={predefButton}
          aria-label={t.predefinedMessages}
          title={t.predefinedMessages}
          aria-expanded={popup}
          disabled={!enabled}
          onClick={() => {
            if (popup) return setPopup(false);
            predefined.ensure();
            setPopup(true);
          }}
        >
          <QuoteIcon />
        </button>
        <label for={inputId} class="visually-hidden">
          {t.message}
        </label>
        <textarea
          id={inputId}
          ref={inputRef}
          rows={3}
          value={draft}
          disabled={!enabled}
          placeholder={priv ? t.privatePlaceholder : undefined}
          aria-describedby={priv ? `${inputId}-private ${inputId}-hint` : `${inputId}-hint`}
          aria-controls={slash !== undefined ? inlineId : undefined}
          aria-activedescendant={inlineItems && inlineItems.length > 0 ? `${inlineId}-opt-${inlineActive}` : undefined}
          onInput={(e) => {
            const v = e.currentTarget.value;
            setDraft(v);
            setInlineActive(0);
            if (!v.startsWith('/')) setInlineDismissed(false);
            // A "/" search is not typing to the customer.
            if (v.trim() && slashQuery(v) === undefined) onTyping();
          }}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const pasted = Array.from(e.clipboardData?.files ?? []);
            if (pasted.length === 0) return;
            if (!e.clipboardData?.getData('text/plain')) e.preventDefault();
            addFiles(pasted);
          }}
        />
        <span id={`${inputId}-hint`} class="visually-hidden">
          {t.inputHint}
        </span>
        <button type="submit" class="primary" disabled={!canSubmit}>
          {t.send}
        </button>
      </form>
    </section>
  );
}
