// The agent desktop once logged in: top bar, notices, tabs and the selected
// tab's panel, the confirmations before ending or leaving a chat, and the
// invite dialog.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useNow, useTexts } from './hooks';
import { fmt } from './texts';
import { agentNames, needsConfirm, newestOffer, otherAgents, pendingOffers, queueName } from './state';
import type { DesktopState, Notice, Tab } from './state';
import type { Texts } from './texts';
import type { AgentClient } from './client';
import { TopBar } from './TopBar';
import { TabBar, panelDomId, tabDomId } from './TabBar';
import { OfferPanel } from './OfferPanel';
import { ChatPanel } from './ChatPanel';
import { ConfirmDialog } from './ConfirmDialog';
import { InvitationPanel } from './InvitationPanel';
import { InviteDialog } from './InviteDialog';
import { MenuDialog } from './MenuDialog';
import { customerLabel } from './customer';
import { beep } from './sound';
import { Announcer, useAcceptShortcut } from './Announcer';
import { loadPrefs, savePrefs } from './alerts';
import type { AlertPrefs } from './alerts';

export interface DesktopProps {
  client: AgentClient;
  state: DesktopState;
  onLogout: () => void;
}

const noticeShowMs = 8000;

function NoticeItem({ notice, onDismiss }: { notice: Notice; onDismiss: () => void }) {
  const t = useTexts();
  useEffect(() => {
    const id = setTimeout(onDismiss, noticeShowMs);
    return () => clearTimeout(id);
  }, [notice.id]);
  const vars = notice.vars ?? {};
  const name = vars.name || (vars.visitor ? fmt(t.visitor, { number: vars.visitor }) : t.customer);
  const text = notice.key ? fmt(t[notice.key], { ...vars, name }) : notice.message;
  return (
    <div class="notice">
      <span>{text}</span>
      <button type="button" class="quiet" aria-label={t.dismiss} onClick={onDismiss}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}

/** listNames joins names: "Bjørn", "Bjørn and Carla", "Bjørn, Carla and Dina". */
function listNames(names: string[], t: Texts): string {
  if (names.length <= 1) return names[0] ?? '';
  return fmt(t.and, { a: names.slice(0, -1).join(', '), b: names[names.length - 1] });
}

/** leaveText is the question before leaving: who stays with the customer, or what happens to the chat. */
export function leaveText(tab: Tab, me: string | undefined, t: Texts): string {
  const names = agentNames(tab);
  const others = otherAgents(tab, me).map((id) => names[id] || t.aColleague);
  if (others.length === 1) return fmt(t.leaveOthers, { name: others[0] });
  if (others.length > 1) return fmt(t.leaveOthersMany, { name: listNames(others, t) });
  const inv = tab.invitation;
  if (inv) {
    const name = inv.agentId ? inv.agentName || names[inv.agentId] || t.aColleague : t.aColleague;
    return fmt(t.leaveInvited, { name });
  }
  return t.leaveAlone;
}

/** focusWhenReady focuses the element with id once it is on the page and enabled (within a second). */
function focusWhenReady(id: string, tries = 20): void {
  const el = document.getElementById(id) as HTMLTextAreaElement | null;
  if (el && !el.disabled) el.focus();
  else if (tries > 0) setTimeout(() => focusWhenReady(id, tries - 1), 50);
}

export function Desktop({ client, state, onLogout }: DesktopProps) {
  const t = useTexts();
  const now = useNow(1000);
  const [confirming, setConfirming] = useState<string>();
  const [leavingId, setLeavingId] = useState<string>();
  const [invitingId, setInvitingId] = useState<string>();
  const [transferringId, setTransferringId] = useState<string>();
  const [menuId, setMenuId] = useState<string>();
  const offers = pendingOffers(state);
  const [prefs, setPrefs] = useState<AlertPrefs>(() => loadPrefs());
  const changePrefs = (p: AlertPrefs) => {
    setPrefs(p);
    savePrefs(p);
  };
  const dialogOpen = !!(confirming || leavingId || invitingId || transferringId || menuId);
  const newest = newestOffer(state);
  useAcceptShortcut(newest && !dialogOpen ? newest.id : undefined, (id) => {
    client.select(id);
    // Once accepted, the agent writes: the chat's input takes the focus,
    // wherever it was (the shortcut works from anywhere on the desktop).
    void client.accept(id).then(() => focusWhenReady(`msg-${id}`));
  });

  // "(1) New chat — Skranke" while an offer waits for an answer.
  useEffect(() => {
    document.title = offers > 0 ? fmt(t.newChatTitle, { count: offers }) : t.appTitle;
  }, [offers, t]);
  useEffect(() => () => void (document.title = t.appTitle), [t]);

  // A beep for each new offer, unless the agent turned the sound off.
  const alerts = useRef(state.offerAlerts);
  useEffect(() => {
    if (state.offerAlerts > alerts.current && prefs.sound) beep();
    alerts.current = state.offerAlerts;
  }, [state.offerAlerts]);

  // The dialog goes with its tab, and once the customer has left (R7).
  const confirmTab = confirming && state.tabs[confirming] && needsConfirm(state.tabs[confirming]) ? state.tabs[confirming] : undefined;
  useEffect(() => {
    if (confirming && !confirmTab) setConfirming(undefined);
  }, [confirming, confirmTab]);
  const leaveTab = leavingId && state.tabs[leavingId] && !state.tabs[leavingId].over ? state.tabs[leavingId] : undefined;
  useEffect(() => {
    if (leavingId && !leaveTab) setLeavingId(undefined);
  }, [leavingId, leaveTab]);
  const inviteTab = invitingId && state.tabs[invitingId]?.kind === 'chat' && !state.tabs[invitingId].over ? state.tabs[invitingId] : undefined;
  useEffect(() => {
    if (invitingId && !inviteTab) setInvitingId(undefined);
  }, [invitingId, inviteTab]);
  const transferTab =
    transferringId && state.tabs[transferringId]?.kind === 'chat' && !state.tabs[transferringId].over ? state.tabs[transferringId] : undefined;
  useEffect(() => {
    if (transferringId && !transferTab) setTransferringId(undefined);
  }, [transferringId, transferTab]);

  const menuTab = menuId && state.tabs[menuId]?.kind === 'chat' && !state.tabs[menuId].over ? state.tabs[menuId] : undefined;
  useEffect(() => {
    if (menuId && !menuTab) setMenuId(undefined);
  }, [menuId, menuTab]);

  // The focus never falls to the page: when a tab closes and takes the
  // focus with it (or a dialog closes whose opener went with its tab), the
  // selected tab gets it, or the empty desk when no tab is left. After the
  // dialog's own hand-back, which may find its opener gone.
  useEffect(() => {
    const id = setTimeout(() => {
      const active = document.activeElement;
      if ((active && active !== document.body) || document.querySelector('[aria-modal="true"]')) return;
      const target = state.selected && state.tabs[state.selected] ? tabDomId(state.selected) : 'no-chats';
      document.getElementById(target)?.focus();
    }, 0);
    return () => clearTimeout(id);
  }, [state.order.length, state.selected, dialogOpen]);

  function close(id: string) {
    const tab = state.tabs[id];
    if (!tab) return;
    if (needsConfirm(tab)) setConfirming(id);
    else if (tab.kind === 'chat' && !tab.over) void client.end(id); // the customer left: end it, no question (R7)
    else client.closeTab(id);
  }

  function confirmEnd() {
    if (confirming) void client.end(confirming);
  }

  const me = state.me?.id;
  return (
    <div class="desktop">
      <TopBar
        state={state}
        onStatus={(status, profileId) => void client.setStatus(status, profileId)}
        onLogout={onLogout}
        prefs={prefs}
        onPrefs={changePrefs}
      />
      <Announcer state={state} prefs={prefs} onShow={(id) => client.select(id)} />
      <div class="notices" aria-live="polite" aria-label={t.notices} role="region">
        {state.missedOffersPause && (
          <div class="notice warn" role="alert">
            <span>{t.pausedMissedOffers}</span>
          </div>
        )}
        {state.notices.map((n) => (
          <NoticeItem key={n.id} notice={n} onDismiss={() => client.dismiss(n.id)} />
        ))}
      </div>
      {state.order.length > 0 && <TabBar state={state} onSelect={(id) => client.select(id)} onClose={close} />}
      <main class="panels">
        {state.order.length === 0 && (
          <p class="empty" id="no-chats" tabIndex={-1}>
            {state.status === 'ready' ? t.noChats : t.noChatsPaused}
          </p>
        )}
        {state.order.map((id) => {
          const tab = state.tabs[id];
          const selected = id === state.selected;
          const queue = queueName(state, tab.queueId);
          const names = agentNames(tab);
          const qName = (q: string) => queueName(state, q);
          return (
            <div
              key={id}
              role="tabpanel"
              id={panelDomId(id)}
              aria-labelledby={tabDomId(id)}
              hidden={!selected}
              class="panel"
            >
              {tab.kind === 'offer' ? (
                <OfferPanel
                  tab={tab}
                  queue={queue}
                  now={now}
                  newest={newest?.id === id}
                  onAccept={() => void client.accept(id)}
                  onReject={() => void client.reject(id)}
                />
              ) : tab.kind === 'invitation' ? (
                <InvitationPanel
                  tab={tab}
                  queue={queue}
                  newest={newest?.id === id}
                  me={me}
                  names={names}
                  queueName={qName}
                  now={now}
                  onAccept={() => void client.accept(id)}
                  onReject={() => void client.reject(id)}
                />
              ) : (
                <ChatPanel
                  tab={tab}
                  queue={queue}
                  me={me}
                  myName={state.me?.displayName}
                  names={names}
                  queueName={qName}
                  selected={selected}
                  now={now}
                  onSend={(text, files) => client.sendMessage(id, text, files)}
                  onTyping={() => client.typing(id)}
                  onPrivate={(on) => client.setPrivate(id, on)}
                  onInvite={() => setInvitingId(id)}
                  onTransfer={() => setTransferringId(id)}
                  onWithdraw={() => void client.withdraw(id)}
                  onOfferChoices={() => setMenuId(id)}
                  onWithdrawMenu={(m) => void client.withdrawMenu(id, m)}
                  loadPredefined={() => client.predefined(id)}
                  createOwnPredefined={(title, text) => client.createOwnPredefined(title, text)}
                  deleteOwnPredefined={(pid) => client.deleteOwnPredefined(pid)}
                  onLeave={() => setLeavingId(id)}
                  onClose={() => close(id)}
                />
              )}
            </div>
          );
        })}
      </main>
      {confirmTab && (
        <ConfirmDialog busy={confirmTab.ending} onConfirm={confirmEnd} onCancel={() => setConfirming(undefined)} />
      )}
      {leaveTab && (
        <ConfirmDialog
          busy={leaveTab.leaving}
          title={t.leaveTitle}
          text={leaveText(leaveTab, me, t)}
          confirmLabel={t.leaveChat}
          busyLabel={t.leavingChat}
          onConfirm={() => void client.leave(leaveTab.id)}
          onCancel={() => setLeavingId(undefined)}
        />
      )}
      {menuTab && (
        <MenuDialog
          tab={menuTab}
          customer={customerLabel(menuTab, t)}
          loadSaved={() => client.savedMenus()}
          onSend={(d) => client.sendMenu(menuTab.id, d.question, d.options, d.savedMenuId)}
          onClose={() => setMenuId(undefined)}
        />
      )}
      {inviteTab && (
        <InviteDialog
          tab={inviteTab}
          me={me}
          customer={customerLabel(inviteTab, t)}
          queues={state.queues}
          loadAgents={() => client.agents()}
          onInvite={(target, note, leaveAfter) => client.invite(inviteTab.id, target, note, leaveAfter)}
          onClose={() => {
            setInvitingId(undefined);
            focusInputLater(inviteTab.id);
          }}
        />
      )}
      {transferTab && (
        <InviteDialog
          transfer
          tab={transferTab}
          me={me}
          customer={customerLabel(transferTab, t)}
          queues={state.queues}
          loadAgents={() => client.agents()}
          onInvite={(target, note) => client.transfer(transferTab.id, target, note)}
          onClose={() => {
            setTransferringId(undefined);
            focusInputLater(transferTab.id);
          }}
        />
      )}
    </div>
  );
}

/**
 * focusInputLater gives the focus to a chat's message input after a dialog
 * closed, if it fell to the page: the button that opened the dialog may
 * have become "Invitation pending" (disabled).
 */
function focusInputLater(id: string) {
  setTimeout(() => {
    if (document.activeElement === document.body) document.getElementById(`msg-${id}`)?.focus();
  }, 0);
}
