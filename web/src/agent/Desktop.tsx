// The agent desktop once logged in: top bar, notices, tabs and the selected
// tab's panel, and the confirmation before ending a chat.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useNow, useTexts } from './hooks';
import { fmt } from './texts';
import { needsConfirm, pendingOffers, queueName } from './state';
import type { DesktopState, Notice } from './state';
import type { AgentClient } from './client';
import { TopBar } from './TopBar';
import { TabBar, panelDomId, tabDomId } from './TabBar';
import { OfferPanel } from './OfferPanel';
import { ChatPanel } from './ChatPanel';
import { ConfirmDialog } from './ConfirmDialog';
import { beep } from './sound';

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
  const text = notice.key ? fmt(t[notice.key], { name: t.customer, ...notice.vars }) : notice.message;
  return (
    <div class="notice">
      <span>{text}</span>
      <button type="button" class="quiet" aria-label={t.dismiss} onClick={onDismiss}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}

export function Desktop({ client, state, onLogout }: DesktopProps) {
  const t = useTexts();
  const now = useNow(1000);
  const [confirming, setConfirming] = useState<string>();
  const offers = pendingOffers(state);

  // "(1) New chat — Skranke" while an offer waits for an answer.
  useEffect(() => {
    document.title = offers > 0 ? fmt(t.newChatTitle, { count: offers }) : t.appTitle;
  }, [offers, t]);
  useEffect(() => () => void (document.title = t.appTitle), [t]);

  // A beep for each new offer.
  const alerts = useRef(state.offerAlerts);
  useEffect(() => {
    if (state.offerAlerts > alerts.current) beep();
    alerts.current = state.offerAlerts;
  }, [state.offerAlerts]);

  // The dialog goes with its tab.
  const confirmTab = confirming ? state.tabs[confirming] : undefined;
  useEffect(() => {
    if (confirming && !confirmTab) setConfirming(undefined);
  }, [confirming, confirmTab]);

  // When a tab closes and takes the focus with it, the selected tab gets it.
  useEffect(() => {
    const active = document.activeElement;
    if (!confirming && state.selected && (!active || active === document.body)) {
      document.getElementById(tabDomId(state.selected))?.focus();
    }
  }, [state.order.length]);

  function close(id: string) {
    const tab = state.tabs[id];
    if (!tab) return;
    if (needsConfirm(tab)) setConfirming(id);
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
      />
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
        {state.order.length === 0 && <p class="empty">{state.status === 'ready' ? t.noChats : t.noChatsPaused}</p>}
        {state.order.map((id) => {
          const tab = state.tabs[id];
          const selected = id === state.selected;
          const queue = queueName(state, tab.queueId);
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
                  onAccept={() => void client.accept(id)}
                  onReject={() => void client.reject(id)}
                />
              ) : (
                <ChatPanel
                  tab={tab}
                  queue={queue}
                  me={me}
                  myName={state.me?.displayName}
                  selected={selected}
                  now={now}
                  onSend={(text) => client.sendMessage(id, text)}
                  onTyping={() => client.typing(id)}
                />
              )}
            </div>
          );
        })}
      </main>
      {confirmTab && (
        <ConfirmDialog busy={confirmTab.ending} onConfirm={confirmEnd} onCancel={() => setConfirming(undefined)} />
      )}
    </div>
  );
}
